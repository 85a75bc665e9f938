/**
 * Reading a submitted modal's state and answering with field errors. Every input in these modals
 * uses the action id "value", so a field is addressed by its block id alone.
 */
import type { ViewOutput } from '@slack/bolt';

export type ViewValues = ViewOutput['state']['values'];

/** Block id -> the message Slack shows under that input. */
export type FieldErrors = Record<string, string>;

const ACTION = 'value';

/** The state of one input; Slack's payload is read defensively, since only its signature is checked, not its shape. */
function input(values: ViewValues, blockId: string): Record<string, unknown> | undefined {
  const block: unknown = values && typeof values === 'object' ? values[blockId] : undefined;
  const state: unknown = block && typeof block === 'object' ? (block as Record<string, unknown>)[ACTION] : undefined;
  return state && typeof state === 'object' ? (state as Record<string, unknown>) : undefined;
}

function optionValue(option: unknown): string | undefined {
  const value: unknown = option && typeof option === 'object' ? (option as Record<string, unknown>).value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A text input's value, trimmed; undefined when empty (or not text at all). */
export function textValue(values: ViewValues, blockId: string): string | undefined {
  const raw = input(values, blockId)?.value;
  const value = typeof raw === 'string' ? raw.trim() : '';
  return value ? value : undefined;
}

/** A single select's chosen value. */
export function selectedValue(values: ViewValues, blockId: string): string | undefined {
  return optionValue(input(values, blockId)?.selected_option);
}

/** A multi-select's chosen values (radio buttons count as one). */
export function selectedValues(values: ViewValues, blockId: string): string[] {
  const options = input(values, blockId)?.selected_options;
  return Array.isArray(options) ? options.map(optionValue).filter((v): v is string => v !== undefined) : [];
}

/** The view_submission ack that shows each message under its field. */
export function fieldErrors(errors: FieldErrors): { response_action: 'errors'; errors: FieldErrors } {
  return { response_action: 'errors', errors };
}
