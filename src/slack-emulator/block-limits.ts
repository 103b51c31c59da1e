/** Slack's documented Block Kit limits the fake enforces, as Slack answers `invalid_blocks` when one is broken. */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  messageText: 40_000,
  contextText: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Slack answers `msg_blocks_too_long` beyond about this many characters of text over all blocks. */
  blocksText: 12_000,
  inputLabel: 2000,
  inputText: 3000,
} as const;

type Json = Record<string, unknown>;

const textOf = (value: unknown): string =>
  typeof value === "object" && value !== null && typeof (value as Json).text === "string"
    ? ((value as Json).text as string)
    : "";

/** Slack counts characters, not UTF-16 code units: an emoji outside the BMP is one. */
const chars = (text: string): number => [...text].length;

const isTextObject = (value: unknown): value is { type: string; text: string } =>
  typeof value === "object" &&
  value !== null &&
  ((value as Json).type === "plain_text" || (value as Json).type === "mrkdwn") &&
  typeof (value as Json).text === "string";

/** The characters of every text object anywhere in the blocks (sections, fields, context, buttons, dialogs). */
export function blocksTextSize(value: unknown): number {
  if (isTextObject(value)) return chars(value.text);
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + blocksTextSize(item), 0);
  if (typeof value !== "object" || value === null) return 0;
  return Object.values(value).reduce((sum: number, item) => sum + blocksTextSize(item), 0);
}

function checkConfirm(confirm: Json, where: string, problems: string[]): void {
  const limits: Array<[string, number]> = [
    ["title", LIMITS.confirmTitle],
    ["text", LIMITS.confirmText],
    ["confirm", LIMITS.confirmButton],
    ["deny", LIMITS.confirmButton],
  ];
  for (const [key, max] of limits) {
    const text = textOf(confirm[key]);
    if (chars(text) > max) problems.push(`${where}.confirm.${key}: must be at most ${max} characters`);
    else if (key !== "deny" && text.length === 0) problems.push(`${where}.confirm.${key}: must not be empty`);
  }
  for (const key of ["title", "confirm", "deny"])
    if (confirm[key] !== undefined && (confirm[key] as Json).type !== "plain_text")
      problems.push(`${where}.confirm.${key}: must be plain_text`);
}

function checkElement(element: Json, where: string, problems: string[]): void {
  const actionId = element.action_id;
  if (typeof actionId === "string" && actionId.length > LIMITS.actionId)
    problems.push(`${where}.action_id: must be at most ${LIMITS.actionId} characters`);
  if (element.type !== "button") return;
  if (textOf(element.text).length > LIMITS.buttonText)
    problems.push(`${where}.text: must be at most ${LIMITS.buttonText} characters`);
  if (typeof element.value === "string" && element.value.length > LIMITS.buttonValue)
    problems.push(`${where}.value: must be at most ${LIMITS.buttonValue} characters`);
  if (typeof element.confirm === "object" && element.confirm !== null)
    checkConfirm(element.confirm as Json, where, problems);
}

function checkBlock(block: Json, where: string, problems: string[]): void {
  if (typeof block.block_id === "string" && block.block_id.length > LIMITS.blockId)
    problems.push(`${where}.block_id: must be at most ${LIMITS.blockId} characters`);
  switch (block.type) {
    case "section": {
      if (textOf(block.text).length > LIMITS.sectionText)
        problems.push(`${where}.text: must be at most ${LIMITS.sectionText} characters`);
      if (block.text !== undefined && textOf(block.text).length === 0)
        problems.push(`${where}.text: must be more than 0 characters`);
      const fields = Array.isArray(block.fields) ? (block.fields as Json[]) : [];
      if (fields.length > LIMITS.sectionFields)
        problems.push(`${where}.fields: must have at most ${LIMITS.sectionFields} items`);
      fields.forEach((field, i) => {
        if (textOf(field).length > LIMITS.sectionField)
          problems.push(`${where}.fields[${i}]: must be at most ${LIMITS.sectionField} characters`);
      });
      if (block.text === undefined && fields.length === 0)
        problems.push(`${where}: a section needs text or fields`);
      if (typeof block.accessory === "object" && block.accessory !== null)
        checkElement(block.accessory as Json, `${where}.accessory`, problems);
      return;
    }
    case "header":
      if (textOf(block.text).length > LIMITS.headerText)
        problems.push(`${where}.text: must be at most ${LIMITS.headerText} characters`);
      if ((block.text as Json | undefined)?.type !== "plain_text")
        problems.push(`${where}.text: must be a plain_text text object`);
      return;
    case "context": {
      const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
      if (elements.length === 0 || elements.length > LIMITS.contextElements)
        problems.push(`${where}.elements: must have 1 to ${LIMITS.contextElements} items`);
      elements.forEach((element, i) => {
        const text = textOf(element);
        if (isTextObject(element) && (text.length === 0 || text.length > LIMITS.contextText))
          problems.push(`${where}.elements[${i}].text: must be 1 to ${LIMITS.contextText} characters`);
      });
      return;
    }
    case "actions": {
      const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
      if (elements.length === 0 || elements.length > LIMITS.actionsElements)
        problems.push(`${where}.elements: must have 1 to ${LIMITS.actionsElements} items`);
      elements.forEach((element, i) => {
        checkElement(element, `${where}.elements[${i}]`, problems);
      });
      return;
    }
    case "divider":
      return;
    case "input": {
      const label = textOf(block.label);
      if (label.length === 0 || label.length > LIMITS.inputLabel)
        problems.push(`${where}.label: must be 1 to ${LIMITS.inputLabel} characters`);
      const element = block.element as Json | undefined;
      if (typeof element !== "object" || element === null) problems.push(`${where}.element: is required`);
      else if (typeof element.max_length === "number" && element.max_length > LIMITS.inputText)
        problems.push(`${where}.element.max_length: must be at most ${LIMITS.inputText}`);
      return;
    }
    default:
      problems.push(`${where}.type: unsupported block type ${String(block.type)}`);
  }
}

/** Every broken limit, in Slack's `[ERROR] … [json-pointer:…]` wording; empty when the message is valid. */
export function blockProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (blocksTextSize(message.blocks) > LIMITS.blocksText)
    problems.push(`blocks: the text of all blocks must be at most ${LIMITS.blocksText} characters`);
  if (typeof message.text === "string" && message.text.length > LIMITS.messageText)
    problems.push(`text: must be at most ${LIMITS.messageText} characters`);
  if (message.blocks === undefined) return problems;
  if (!Array.isArray(message.blocks)) return ["blocks: must be an array"];
  if (message.blocks.length > LIMITS.blocks)
    problems.push(`blocks: must have at most ${LIMITS.blocks} items`);
  message.blocks.forEach((block, i) => {
    checkBlock(block as Json, `/blocks/${i}`, problems);
  });
  return problems.map((p) => `[ERROR] ${p}`);
}

/** Slack's answer to a message that breaks a limit: the total size has an error of its own; null when valid. */
export function messageError(message: {
  text?: unknown;
  blocks?: unknown;
}): { error: string; messages: string[] } | null {
  if (blocksTextSize(message.blocks) > LIMITS.blocksText)
    return { error: "msg_blocks_too_long", messages: [] };
  const messages = blockProblems(message);
  return messages.length > 0 ? { error: "invalid_blocks", messages } : null;
}
