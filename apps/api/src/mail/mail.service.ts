import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { ENV, type Env } from '../config/env';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  /** The .eml file, when there is no SMTP server. */
  file?: string;
}

/**
 * Sends mail through SMTP_URL. Without one, each message is written as an .eml file to MAIL_DIR
 * and its path logged, so nothing is lost in development.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private readonly transport: Transporter<{ messageId: string; message?: Buffer }>;

  constructor(@Inject(ENV) private readonly env: Env) {
    const toFile: StreamTransport.Options = { streamTransport: true, buffer: true, newline: 'windows' };
    this.transport = env.SMTP_URL ? createTransport(env.SMTP_URL, { from: env.MAIL_FROM }) : createTransport(toFile, { from: env.MAIL_FROM });
  }

  async send(mail: Mail): Promise<SentMail> {
    const info = await this.transport.sendMail(mail);
    if (this.env.SMTP_URL) return { messageId: info.messageId };
    const dir = resolve(this.env.MAIL_DIR);
    await mkdir(dir, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
    const file = join(dir, name);
    // Written under a temporary name first, so a reader never sees half a message.
    await writeFile(`${file}.tmp`, info.message ?? Buffer.alloc(0));
    await rename(`${file}.tmp`, file);
    this.logger.log(`No SMTP_URL: mail "${mail.subject}" to ${mail.to} written to ${file}`);
    return { messageId: info.messageId, file };
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
