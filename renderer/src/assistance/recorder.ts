import { record } from 'rrweb';
import { FORWARDED_KEYS, type InputEvent, isTypedCharacter } from '../../../shared/assistance/protocol.js';

/**
 * What the agent sees: the app's own page recorded with rrweb (never the rest
 * of the PC), personal data masked at the source, so it never leaves the PC:
 * - every form field's value (maskAllInputs);
 * - the text of every element marked `data-personal` and its descendants
 *   (elector, owner, resident: names, birth dates, addresses), replaced by `*`;
 * - every attribute of those elements but structural ones (an aria-label
 *   « Statut de la demande de DUPONT Jean » is as personal as the text);
 * - `data-assistance-hidden` blocks an element entirely (a grey box).
 * The agent's inputs come back as events on rrweb's node ids and are replayed
 * here, except what would leave the app (see `refusalFor`).
 */
export const PERSONAL = '[data-personal]';
const MASK_TEXT = `${PERSONAL}, ${PERSONAL} *`;
const SAFE_ATTRIBUTES = new Set([
  'class',
  'style',
  'type',
  'role',
  'tabindex',
  'id',
  'disabled',
  'hidden',
  'colspan',
  'rowspan',
  'scope',
  'data-personal',
  'aria-hidden',
  'aria-current',
  'aria-selected',
  'aria-expanded',
  'aria-setsize',
  'aria-posinset',
  'rr_width',
  'rr_height',
]);
const FLUSH_MS = 80;

interface SerializedNode {
  type: number;
  id: number;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}
interface RecordedEvent {
  type: number;
  data: {
    source?: number;
    node?: SerializedNode;
    adds?: { node: SerializedNode }[];
    attributes?: { id: number; attributes: Record<string, unknown> }[];
  };
}

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const ELEMENT = 2;

function personal(id: number): boolean {
  const node = record.mirror.getNode(id);
  const el = node instanceof Element ? node : node?.parentElement;
  return !!el?.closest(PERSONAL);
}

function scrubAttributes(attributes: Record<string, unknown>): void {
  for (const key of Object.keys(attributes))
    if (!SAFE_ATTRIBUTES.has(key) && typeof attributes[key] === 'string' && attributes[key] !== '') attributes[key] = '***';
}

function scrubTree(node: SerializedNode): void {
  if (node.type === ELEMENT && node.attributes && personal(node.id)) scrubAttributes(node.attributes);
  for (const child of node.childNodes ?? []) scrubTree(child);
}

/** Masks the attributes of personal elements in a recorded event (texts and input values are masked by rrweb itself). */
export function scrubEvent(event: RecordedEvent): RecordedEvent {
  if (event.type === FULL_SNAPSHOT && event.data.node) scrubTree(event.data.node);
  if (event.type === INCREMENTAL && event.data.source === MUTATION) {
    for (const add of event.data.adds ?? []) scrubTree(add.node);
    for (const a of event.data.attributes ?? []) if (personal(a.id)) scrubAttributes(a.attributes);
  }
  return event;
}

/** Starts recording; `send` receives batches (JSON text). Answers the stop. */
export function startRecording(send: (json: string) => void): () => void {
  let batch: RecordedEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (batch.length === 0) return;
    const json = JSON.stringify(batch);
    batch = [];
    send(json);
  };
  const stop = record({
    emit(event) {
      batch.push(scrubEvent(event as unknown as RecordedEvent));
      timer ??= setTimeout(flush, FLUSH_MS);
    },
    maskAllInputs: true,
    maskTextSelector: MASK_TEXT,
    blockSelector: '[data-assistance-hidden]',
    inlineStylesheet: true,
    recordCanvas: false,
    collectFonts: false,
    sampling: { mousemove: false, scroll: 150, input: 'last' },
  });
  return () => {
    stop?.();
    if (timer) clearTimeout(timer);
    flush();
  };
}

/** Why the agent may not act on `el` (French, shown to the agent), or null. The agent can never leave the app. */
export function refusalFor(el: Element): string | null {
  if (el.closest('[data-assistance-ui]')) return "Les réglages de l'assistance restent à la mairie.";
  if (el.closest('input[type="file"], [data-file-picker], .file-input')) return "L'agent n'a pas accès aux fichiers du poste.";
  if (el.closest('input[type="password"]')) return "L'agent ne saisit pas de mot de passe.";
  const link = el.closest('a[href]');
  if (link) {
    const href = link.getAttribute('href') ?? '';
    const url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin || link.hasAttribute('download') || link.getAttribute('target') === '_blank')
      return "L'agent ne peut pas ouvrir de lien hors de Guichet.";
  }
  return null;
}

function setValue(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  // React tracks the value through the prototype's setter: set it there, then announce the input.
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Replays one input of the agent into the page: `{ ok: false, refusal }` when it is refused. */
export function applyInput(input: InputEvent): { ok: boolean; refusal?: string } {
  const node = input.id === null ? document.activeElement : record.mirror.getNode(input.id);
  const el = node instanceof Element ? node : (node?.parentElement ?? null);
  if (!el || !document.contains(el)) return { ok: false, refusal: "Cet élément n'est plus à l'écran." };
  const refusal = refusalFor(el);
  if (refusal) return { ok: false, refusal };
  if (input.kind === 'click') {
    if (el instanceof HTMLElement) {
      el.focus({ preventScroll: true });
      el.click();
    } else el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    return { ok: true };
  }
  if (input.kind === 'text') {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) || el.readOnly || el.disabled)
      return { ok: false, refusal: "Ce n'est pas un champ de saisie." };
    el.focus({ preventScroll: true });
    setValue(el, input.value);
    return { ok: true };
  }
  const typed = isTypedCharacter(input.key);
  if (!typed && !FORWARDED_KEYS.has(input.key)) return { ok: false, refusal: 'Touche non transmise.' };
  const field = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el : null;
  const editable = field !== null && !field.readOnly && !field.disabled && !NOT_TYPED.has(field.type);
  if (typed && !editable) return { ok: false, refusal: "Ce n'est pas un champ de saisie." };
  const init = { key: input.key, bubbles: true, cancelable: true };
  const go = el.dispatchEvent(new KeyboardEvent('keydown', init));
  // What the browser would do for a real key press (a synthetic event types nothing by itself).
  if (go && editable && field) edit(field, input.key, typed);
  el.dispatchEvent(new KeyboardEvent('keyup', init));
  if (go && input.key === 'Enter') {
    if (el instanceof HTMLInputElement && el.form) el.form.requestSubmit();
    else if (el instanceof HTMLButtonElement) el.click();
  }
  return { ok: true };
}

/** Fields a typed character never goes into (buttons, boxes; password and file fields are refused before). */
const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'image', 'range', 'color', 'hidden']);

/** Types one character at the caret, or deletes with Backspace / Delete, as the user's own key would. */
function edit(field: HTMLInputElement | HTMLTextAreaElement, key: string, typed: boolean): void {
  if (!typed && key !== 'Backspace' && key !== 'Delete') return;
  const value = field.value;
  // Some input types (email, number) have no caret position: they grow and shrink at the end.
  let start = field.selectionStart ?? value.length;
  let end = field.selectionEnd ?? value.length;
  if (!typed && start === end) {
    if (key === 'Backspace') start = Math.max(0, start - 1);
    else end = Math.min(value.length, end + 1);
  }
  const insert = typed ? key : '';
  const next = value.slice(0, start) + insert + value.slice(end);
  if (field.maxLength >= 0 && next.length > field.maxLength && typed) return;
  field.focus({ preventScroll: true });
  setValue(field, next);
  const caret = start + insert.length;
  if (field.selectionStart !== null) field.setSelectionRange(caret, caret);
}
