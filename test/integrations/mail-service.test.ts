/** The mail service end to end over NATS: a process sends a mail; an SMTP server started here checks what arrived. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { connectNatsBus } from '../../engine/bus/nats-bus';
import { createLogger } from '../../engine/logger';
import { startMailService } from '../../integrations/mail/mail-service';
import type { Bus, Worker } from '../../integrations/sdk';
import { bearer } from '../support/access';
import { startTestBaton, type TestBaton } from '../support/baton';
import { eventually, NATS_URL } from '../support/worlds';
import { oneTaskProcess } from './templated-process';

interface Arrived {
  from: string;
  to: string[];
  data: string;
}

describe('mail service (SMTP) over NATS', () => {
  let smtp: SMTPServer;
  let port: number;
  const arrived: Arrived[] = [];
  let t: TestBaton;
  let bus: Bus;
  let service: Worker;
  let designer: string;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@refused.test')) return callback(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
        callback();
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          arrived.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    port = (smtp.server.address() as AddressInfo).port;

    t = await startTestBaton('distributed');
    designer = await t.createKey('designer');
    bus = await connectNatsBus({ servers: NATS_URL, prefix: t.config.subjectPrefix, name: 'mail-test', logger: createLogger('test') });
    service = await startMailService(bus, { smtp: { host: '127.0.0.1', port }, defaultFrom: 'baton@city.test' });
    const xml = oneTaskProcess({
      processId: 'notify',
      templateId: 'io.baton.mail.send',
      version: 1,
      taskType: 'io.baton.mail.send:1',
      kind: 'sendTask',
      inputs: { to: '=recipient', subject: '="Order " & orderId', text: '="Dear " & name & ", your order is confirmed."' },
      headers: { resultVariable: 'mail' },
    });
    const res = await request(t.url).post('/api/deployments').set(bearer(designer)).set('Content-Type', 'application/xml').send(xml);
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await service.stop();
    await bus.close();
    await t.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const run = async (variables: Record<string, unknown>) => {
    const started = await request(t.url).post('/api/instances').set(bearer(designer)).send({ bpmnProcessId: 'notify', variables });
    expect(started.status).toBe(201);
    return eventually(async () => {
      const res = await request(t.url).get(`/api/instances/${started.body.key}`);
      return res.body.status === 'COMPLETED' ? res.body : undefined;
    }, 'completion', 15000);
  };

  test('a mail is sent with the mapped recipient, subject and body; the answer lands in the result variable', async () => {
    const done = await run({ recipient: 'ada@city.test', orderId: 'A-17', name: 'Ada' });
    expect(done.variables.mail).toMatchObject({ accepted: ['ada@city.test'], rejected: [], messageId: expect.any(String) });
    const mail = arrived.find((m) => m.to.includes('ada@city.test'));
    expect(mail).toBeDefined();
    expect(mail!.from).toBe('baton@city.test');
    expect(mail!.data).toContain('Subject: Order A-17');
    expect(mail!.data).toContain('Dear Ada, your order is confirmed.');
    expect(mail!.data).toContain(`X-Baton-Instance: ${done.key}`);
  });

  test('a recipient the server refuses is the BPMN error MAIL_REJECTED, caught by the boundary event', async () => {
    const done = await run({ recipient: 'nobody@refused.test', orderId: 'A-18', name: 'Bob' });
    expect(done.history.map((h: { elementId?: string }) => h.elementId)).toContain('error-end');
    expect(arrived.some((m) => m.to.includes('nobody@refused.test'))).toBe(false);
  });
});
