// views/admin/field_errors.ts: shows the server's field-named errors next to the fields. An
// admin edit refused with {"error":{"field","problems":[{field,message}]}} puts each message
// in the element marked data-error-for="<field>" (e.g. "overflow[1].target"); problems with no
// such element go to the form's general error line.
import { ApiError } from '../../api';
import { h } from '../../dom';
import { t } from '../../i18n';

/** A small error line for `field`, placed right after its input. */
export function fieldError(field: string): HTMLElement {
  return h('span', { class: 'error small field-error', 'data-error-for': field });
}

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>('[data-error-for]').forEach((el) => (el.textContent = ''));
}

/** Puts the error of `e` beside its fields; returns true when every problem found its field. */
export function showErrors(form: HTMLElement, general: HTMLElement, e: unknown): void {
  clearErrors(form);
  general.textContent = '';
  if (!(e instanceof ApiError)) {
    general.textContent = t('common.error', { message: (e as Error).message });
    return;
  }
  const problems = Array.isArray(e.details.problems) ? (e.details.problems as { field: string; message: string }[]) : [];
  const unplaced: string[] = [];
  for (const problem of problems.length ? problems : [{ field: String(e.details.field ?? ''), message: e.message }]) {
    const slot = Array.from(form.querySelectorAll<HTMLElement>('[data-error-for]')).find((el) => el.dataset.errorFor === problem.field);
    if (slot) slot.textContent = problem.message;
    else unplaced.push(problem.message);
  }
  if (unplaced.length) general.textContent = t('common.error', { message: unplaced.join('; ') });
}
