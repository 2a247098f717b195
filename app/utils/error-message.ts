import type { MessageId } from "../i18n/messages";

/** What a refused request says to the reader: a message id and its values, never English text. */
export interface ErrorMessage {
  message: MessageId;
  params?: Record<string, string | number>;
}
