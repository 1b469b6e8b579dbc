// The department's question topics as the admin page keeps them, over HTTP (they change rarely).
import type { AppError, Result } from '../../../shared/errors.js';
import type { EditTopic, NewTopic, Topic } from '../../../shared/topics.js';
import { request } from './api.js';

export class TopicAdminState {
  topics = $state.raw<Topic[] | null>(null);
  loadError = $state.raw<AppError | null>(null);

  async load(): Promise<void> {
    const result = await request<{ topics: Topic[] }>('GET', '/api/topics');
    if (result.ok) this.topics = result.data.topics;
    else this.loadError = result.error;
  }

  async add(topic: NewTopic): Promise<Result<Topic>> {
    const result = await request<{ topic: Topic }>('POST', '/api/admin/topics', topic);
    if (!result.ok) return result;
    this.topics = [...(this.topics ?? []), result.data.topic];
    return { ok: true, data: result.data.topic };
  }

  async update(id: string, change: EditTopic): Promise<Result<Topic>> {
    const result = await request<{ topic: Topic }>('PATCH', `/api/admin/topics/${encodeURIComponent(id)}`, change);
    if (!result.ok) return result;
    const topic = result.data.topic;
    this.topics = (this.topics ?? []).map((t) => (t.id === topic.id ? topic : t));
    return { ok: true, data: topic };
  }
}
