import { isIP } from 'node:net';
import os from 'node:os';
import type { types as ms } from 'mediasoup';

/** Settings of the media service, resolved once from what the entry point passes in. */
export interface MediaConfig {
  /** Worker processes. Each mediasoup worker is single-threaded, so one per core by default. */
  numWorkers: number;
  /** Log level of the C++ workers themselves. Default 'warn'. */
  logLevel: ms.WorkerLogLevel;
  /** UDP/TCP ports the workers may bind for ICE, DTLS and RTP. Default 40000–49999. */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Address transports listen on. Default 127.0.0.1 (one machine, development). */
  listenIp: string;
  /**
   * Address handed to browsers in ICE candidates when it differs from `listenIp` (behind NAT,
   * or when listening on 0.0.0.0). Required when `listenIp` is a wildcard address.
   */
  announcedIp: string | undefined;
  /**
   * Consumers one router carries before a town hall's audience spills over to a router on
   * another worker, fed through `pipeToRouter`. Default 500 (one worker core carries about
   * that many video consumers).
   */
  consumersPerRouter: number;
  /**
   * Address the PipeTransports that carry a town hall's media between nodes listen on, in the
   * worker's port range. Default `listenIp`. With several machines: an address the other nodes
   * reach (a private network), never one the public can.
   */
  pipeListenIp: string;
  /** Address other nodes are told to send piped media to, when it differs from `pipeListenIp`. */
  pipeAnnouncedIp: string | undefined;
}

export type MediaConfigInput = Partial<MediaConfig>;

const LOG_LEVELS: readonly ms.WorkerLogLevel[] = ['debug', 'warn', 'error', 'none'];

export function resolveMediaConfig(input: MediaConfigInput = {}): MediaConfig {
  const config: MediaConfig = {
    numWorkers: input.numWorkers ?? Math.max(1, os.cpus().length),
    logLevel: input.logLevel ?? 'warn',
    rtcMinPort: input.rtcMinPort ?? 40000,
    rtcMaxPort: input.rtcMaxPort ?? 49999,
    listenIp: input.listenIp ?? '127.0.0.1',
    announcedIp: input.announcedIp,
    consumersPerRouter: input.consumersPerRouter ?? 500,
    pipeListenIp: input.pipeListenIp ?? input.listenIp ?? '127.0.0.1',
    pipeAnnouncedIp: input.pipeAnnouncedIp ?? (input.pipeListenIp === undefined ? input.announcedIp : undefined),
  };
  const problems: string[] = [];
  if (!Number.isInteger(config.numWorkers) || config.numWorkers < 1) problems.push('numWorkers must be an integer ≥ 1');
  if (!LOG_LEVELS.includes(config.logLevel)) problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  for (const key of ['rtcMinPort', 'rtcMaxPort'] as const) {
    const port = config[key];
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`${key} must be a port number`);
  }
  if (!Number.isInteger(config.consumersPerRouter) || config.consumersPerRouter < 1) {
    problems.push('consumersPerRouter must be an integer ≥ 1');
  }
  if (config.rtcMinPort > config.rtcMaxPort) problems.push('rtcMinPort must not exceed rtcMaxPort');
  if (isIP(config.listenIp) === 0) problems.push('listenIp must be an IP address');
  if (config.announcedIp !== undefined && isIP(config.announcedIp) === 0) problems.push('announcedIp must be an IP address');
  // Browsers cannot reach a wildcard address, so it must never end up in an ICE candidate.
  if (isWildcard(config.listenIp) && config.announcedIp === undefined) {
    problems.push('announcedIp is required when listenIp is a wildcard address');
  }
  if (isIP(config.pipeListenIp) === 0) problems.push('pipeListenIp must be an IP address');
  if (config.pipeAnnouncedIp !== undefined && isIP(config.pipeAnnouncedIp) === 0) problems.push('pipeAnnouncedIp must be an IP address');
  // Another node cannot send to a wildcard address either.
  if (isWildcard(config.pipeListenIp) && config.pipeAnnouncedIp === undefined) {
    problems.push('pipeAnnouncedIp is required when pipeListenIp is a wildcard address');
  }
  if (problems.length > 0) throw new Error(`invalid media configuration: ${problems.join('; ')}`);
  return config;
}

const isWildcard = (ip: string) => ip === '0.0.0.0' || ip === '::';

/** The address every transport of this service listens on, in mediasoup 3.12's shape. */
export function transportListenIp(config: MediaConfig): ms.TransportListenIp {
  return config.announcedIp === undefined
    ? { ip: config.listenIp }
    : { ip: config.listenIp, announcedIp: config.announcedIp };
}

/** The address the PipeTransports to other nodes listen on, in mediasoup 3.12's shape. */
export function pipeListenIp(config: MediaConfig): ms.TransportListenIp {
  return config.pipeAnnouncedIp === undefined
    ? { ip: config.pipeListenIp }
    : { ip: config.pipeListenIp, announcedIp: config.pipeAnnouncedIp };
}

/**
 * Codecs every town hall router offers. VP8 comes first so browsers prefer it (simulcast is
 * checked end to end with VP8); H264 constrained baseline is there for devices that only
 * encode H264 in hardware.
 */
export const ROUTER_MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
