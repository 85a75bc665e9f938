/**
 * Reading a submitted modal's state and answering with field errors. Every input in these modals
 * uses the action id "value", so a field is addressed by its block id alone.
 */
import type { ViewOutput } from '@slack/bolt';

export type ViewValues = ViewOutput['state']['values'];

/** Block id -> the message Slack shows under that input. */
export type FieldErrors = Record<string, string>;

const ACTION = 'value';

/** A text input's value, trimmed; undefined when empty. */
export function textValue(values: ViewValues, blockId: string): string | undefined {
  const value = values[blockId]?.[ACTION]?.value?.trim();
  return value ? value : undefined;
}

/** A single select's chosen value. */
export function selectedValue(values: ViewValues, blockId: string): string | undefined {
  return values[blockId]?.[ACTION]?.selected_option?.value ?? undefined;
}

/** A multi-select's chosen values (radio buttons count as one). */
export function selectedValues(values: ViewValues, blockId: string): string[] {
  return (values[blockId]?.[ACTION]?.selected_options ?? []).map((o) => o.value);
}

/** The view_submission ack that shows each message under its field. */
export function fieldErrors(errors: FieldErrors): { response_action: 'errors'; errors: FieldErrors } {
  return { response_action: 'errors', errors };
}
