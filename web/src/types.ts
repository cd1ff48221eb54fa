// types.ts: the shapes of the Hotline API (/api/v1) the console reads.
export type Role = 'agent' | 'supervisor' | 'admin';
export type AgentState =
  | 'logged_out'
  | 'ready'
  | 'not_ready'
  | 'reserved'
  | 'ringing'
  | 'on_call'
  | 'after_call_work';

export interface User {
  username: string;
  role: Role;
  agent: string | null;
}

export interface Agent {
  id: string;
  name: string;
  state: AgentState;
  reason?: string;
  state_since_ms: number;
  call_id?: string;
  skills: [string, number][];
  calls_handled: number;
  talk_ms: number;
  registered: boolean;
}

export interface WaitingCall {
  call_id: string;
  caller: string;
  position: number;
  waited_ms: number;
  expected_wait_ms: number;
  callback: boolean;
}

export interface Queue {
  id: string;
  strategy: string;
  skills: [string, number][];
  ring_timeout_s: number;
  wrap_up_s: number;
  max_wait_s: number;
  waiting: number;
  ringing: number;
  staffed: number;
  idle: number;
  longest_wait_ms: number;
  average_handle_ms: number;
  calls: WaitingCall[];
  offered: number;
  answered: number;
  abandoned: number;
  service_level: number | null;
  average_speed_of_answer_ms: number | null;
  overflow?: unknown;
}

export interface CallRecord {
  id: string | number;
  from_number: string;
  to_number: string;
  start_ms: number;
  answer_ms?: number | null;
  end_ms?: number | null;
  disposition?: string | null;
  queue?: string | null;
  wait_ms?: number | null;
  agent?: string | null;
  talk_ms?: number | null;
  wrapup_ms?: number | null;
  survey_score?: number | null;
  ivr_path?: string | null;
  recording_path?: string | null;
  wrapup_code?: string | null;
  notes?: string | null;
}

export interface Customer {
  id: string | number;
  name: string;
  account_number?: string;
  vip: boolean;
  language?: string;
  balance_fen?: number;
  tags?: string[];
  phones?: string[];
  contacts?: CallRecord[];
}

export interface CtiEvent {
  type: string;
  at_ms?: number;
  agent?: string;
  state?: AgentState;
  previous_state?: AgentState;
  reason?: string;
  call_id?: string;
  queue?: string;
  caller?: string;
  caller_name?: string;
  /** Call events: false when the caller's number is not verified (spoofable caller ID). */
  caller_verified?: boolean;
  ivr_path?: string;
  target?: string;
  wait_ms?: number;
  data?: Record<string, string>;
  queues?: Queue[];
  user?: User;
}
