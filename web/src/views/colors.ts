// views/colors.ts: one colour per agent state (wallboard tiles and charts).
export const STATE_COLORS: Record<string, string> = {
  ready: '#2e9d57',
  not_ready: '#d9822b',
  reserved: '#8e6bd1',
  ringing: '#e0b000',
  on_call: '#2f6fd6',
  after_call_work: '#3aa6b9',
  logged_out: '#9aa3ad',
};
