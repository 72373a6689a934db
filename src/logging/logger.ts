import pino, { Logger } from 'pino';

export type { Logger };

/**
 * Paths that could carry a secret if someone logs a whole object by mistake.
 * Secrets are never passed to the logger on purpose; this is the second line of defence.
 */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'rrn',
  '*.rrn',
  'otp',
  '*.otp',
  'text',
  '*.text',
  'activity.text',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'joint-certificate-assistant' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
