// The department's list of question topics (traffic, burglary, youth…), kept by admins. A
// question may carry one; the list filters the live questions and labels the public record.
import { z } from 'zod';
import { Id } from './ids.js';
import { boundedLine } from './text.js';

export interface Topic {
  id: Id;
  /** The topic's name in English, and in Spanish (the English one when none was given). */
  name: { en: string; es: string };
  /**
   * A retired topic is offered no more, and stays on the questions that carry it: a topic is
   * never deleted, so the record of a past town hall keeps its labels.
   */
  retired: boolean;
}

const TopicName = boundedLine(2, 40);

export const NewTopic = z.strictObject({ en: TopicName, es: TopicName.optional() });
export const EditTopic = z.strictObject({ en: TopicName.optional(), es: TopicName.optional(), retired: z.boolean().optional() });
export type NewTopic = z.input<typeof NewTopic>;
export type EditTopic = z.input<typeof EditTopic>;

/** How many topics a department may keep (the picker is a short list, not a taxonomy). */
export const MAX_TOPICS = 50;

/** The topic's name in the reader's language. */
export const topicName = (topic: Pick<Topic, 'name'>, locale: string): string => (locale.startsWith('es') ? topic.name.es : topic.name.en);
