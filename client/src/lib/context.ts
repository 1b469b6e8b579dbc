import { createContext } from 'svelte';
import type { ConnectionState } from './connection.svelte.js';
import type { FollowsState } from './follows.svelte.js';
import type { NoticesState } from './notices.svelte.js';
import type { Router } from './router.svelte.js';
import type { SessionState } from './session.svelte.js';

export const [getSession, setSession] = createContext<SessionState>();
export const [getConnection, setConnection] = createContext<ConnectionState>();
export const [getRouter, setRouter] = createContext<Router>();
export const [getNotices, setNotices] = createContext<NoticesState>();
export const [getFollows, setFollows] = createContext<FollowsState>();
