/**
 * The service behind element-templates/mail/io.baton.mail.send-1.json: sends one mail per job over SMTP
 * (nodemailer). The SMTP server and its credentials are the service's configuration, never process
 * variables. Answers: complete with { messageId, accepted, rejected }; BPMN error INVALID_INPUT (no
 * recipient, no subject, no body) or MAIL_REJECTED (the server refused every recipient, a 5xx answer);
 * fail (retried) when the server cannot be reached or answers 4xx (try again later).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Bus } from '../../engine/bus/bus';
import { createLogger, type Logger } from '../../engine/logger';
import { BpmnError, createWorker, JobFailure, type Worker } from '../sdk';

export const MAIL_TASK_TYPE = 'io.baton.mail.send:1';
export const MailError = { INVALID_INPUT: 'INVALID_INPUT', MAIL_REJECTED: 'MAIL_REJECTED' } as const;

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  user?: string;
  pass?: string;
  /** Accept self-signed certificates (test servers only). */
  allowSelfSigned?: boolean;
}

export interface MailServiceOptions {
  smtp: SmtpOptions;
  /** Sender when the task sets no `from`. */
  defaultFrom: string;
  concurrency?: number;
  logger?: Logger;
}

/** SMTP settings from SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASS, MAIL_FROM; undefined without SMTP_HOST. */
export function mailOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<MailServiceOptions, 'logger'> | undefined {
  if (!env.SMTP_HOST) return undefined;
  return {
    smtp: { host: env.SMTP_HOST, port: Number(env.SMTP_PORT ?? 587), secure: env.SMTP_SECURE === 'true', user: env.SMTP_USER || undefined, pass: env.SMTP_PASS || undefined },
    defaultFrom: env.MAIL_FROM ?? 'baton@localhost',
  };
}

export function startMailService(bus: Bus, options: MailServiceOptions): Promise<Worker> {
  const logger = options.logger ?? createLogger('mail');
  const transport: Transporter = nodemailer.createTransport({
    host: options.smtp.host,
    port: options.smtp.port,
    secure: options.smtp.secure ?? false,
    ...(options.smtp.user && { auth: { user: options.smtp.user, pass: options.smtp.pass ?? '' } }),
    tls: { rejectUnauthorized: !options.smtp.allowSelfSigned },
  });
  return createWorker(bus, {
    taskType: MAIL_TASK_TYPE,
    concurrency: options.concurrency ?? 4,
    logger,
    handler: async (job) => {
      const v = job.variables;
      const to = addresses(v.to);
      if (to.length === 0) throw new BpmnError(MailError.INVALID_INPUT, 'to: give at least one recipient');
      if (typeof v.subject !== 'string' || v.subject === '') throw new BpmnError(MailError.INVALID_INPUT, 'subject: give a subject');
      if (typeof v.text !== 'string' && typeof v.html !== 'string') throw new BpmnError(MailError.INVALID_INPUT, 'text or html: give a body');
      try {
        const info = await transport.sendMail({
          from: typeof v.from === 'string' && v.from !== '' ? v.from : options.defaultFrom,
          to,
          cc: addresses(v.cc),
          subject: v.subject,
          ...(typeof v.text === 'string' && { text: v.text }),
          ...(typeof v.html === 'string' && { html: v.html }),
          headers: { 'X-Baton-Instance': job.processInstanceKey },
        });
        return { messageId: info.messageId, accepted: (info.accepted ?? []).map(String), rejected: (info.rejected ?? []).map(String) };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500) throw new BpmnError(MailError.MAIL_REJECTED, `the mail server refused the mail: ${(error as Error).message}`);
        throw new JobFailure(`sending the mail failed: ${(error as Error).message}`, { cause: error });
      }
    },
  }).then((worker) => ({
    taskType: worker.taskType,
    async stop() {
      await worker.stop();
      transport.close();
    },
  }));
}

function addresses(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((a): a is string => typeof a === 'string' && a.trim() !== '');
  if (typeof value === 'string') return value.split(',').map((a) => a.trim()).filter(Boolean);
  return [];
}
