/**
 * Hostile and broken BPMN at deploy: every one is answered with a 4xx problem (or, for the parser itself,
 * read without touching disk or network), nothing is stored, and Baton keeps serving.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createModdle } from '../../engine/model/moddle';
import { bpmn, startTestBaton, type TestBaton } from './support';

const PROCESS = `    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>`;

/** A valid process whose name and documentation carry `&ref;`, after a DOCTYPE. */
function withDoctype(doctype: string, ref = 'xxe'): string {
  return bpmn('hostile', PROCESS.replace('<bpmn:startEvent id="start">', `<bpmn:startEvent id="start" name="&${ref};">`)).replace(
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<?xml version="1.0" encoding="UTF-8"?>\n${doctype}\n`,
  );
}

describe('hostile XML at deploy', () => {
  let t: TestBaton;
  let hits: string[];
  let trap: http.Server;
  let trapUrl: string;
  let hostname: string;

  beforeAll(async () => {
    t = await startTestBaton();
    hits = [];
    trap = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('<!ENTITY leaked "LEAKED-FROM-HTTP">');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    hostname = readFileSync('/etc/hostname', 'utf8').trim();
  });
  afterAll(async () => {
    await new Promise((resolve) => trap.close(resolve));
    await t.close();
  });

  const deploy = (xml: string) => t.request('POST', '/api/deployments?name=hostile.bpmn', xml, { 'content-type': 'application/xml' });

  async function expectNothingDeployed(): Promise<void> {
    const definitions = await t.request('GET', '/api/definitions');
    expect(definitions.status).toBe(200);
    expect(definitions.body.items).toEqual([]);
  }

  test('not well-formed XML: 400 with line and column', async () => {
    const res = await deploy(bpmn('broken', PROCESS).replace('</bpmn:process>', '</bpmn:proc>'));
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/application\/problem\+json/);
    expect(res.body.problems[0]).toMatchObject({ code: 'XML_NOT_WELL_FORMED', line: expect.any(Number) });
    await expectNothingDeployed();
  });

  test('external entity to a local file (XXE): refused, the file is not read', async () => {
    const res = await deploy(withDoctype('<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'));
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ code: 'XML_DOCTYPE', line: 2, column: 1 })]);
    expect(res.body.problems[0].message).toMatch(/DOCTYPE.*Remove it/);
    if (hostname) expect(res.text).not.toContain(hostname);
    await expectNothingDeployed();
  });

  test('external entity and external DTD over HTTP: refused, no request is made', async () => {
    for (const doctype of [
      `<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "${trapUrl}/entity">]>`,
      `<!DOCTYPE bpmn:definitions SYSTEM "${trapUrl}/dtd">`,
      `<!DOCTYPE bpmn:definitions [<!ENTITY % remote SYSTEM "${trapUrl}/param"> %remote;]>`,
    ]) {
      const res = await deploy(withDoctype(doctype));
      expect(res.status).toBe(400);
      expect(res.body.problems[0].code).toBe('XML_DOCTYPE');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hits).toEqual([]);
    await expectNothingDeployed();
  });

  test('the parser underneath reads no DTD and expands no entity either (defence in depth)', async () => {
    // Straight into bpmn-moddle (saxen), past Baton's DOCTYPE rule.
    for (const doctype of [
      '<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>',
      `<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "${trapUrl}/moddle">]>`,
      `<!DOCTYPE bpmn:definitions SYSTEM "${trapUrl}/moddle-dtd">`,
    ]) {
      const result = await createModdle()
        .fromXML(withDoctype(doctype))
        .catch((error: unknown) => ({ error }));
      const text = JSON.stringify(result, (key, value) => (key.startsWith('$') ? undefined : value));
      if (hostname) expect(text).not.toContain(hostname);
      expect(text).not.toContain('LEAKED');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hits).toEqual([]);
  });

  test('entity expansion bomb (billion laughs): refused at once', async () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const started = Date.now();
    const res = await deploy(withDoctype(`<!DOCTYPE lolz [${entities.join('')}]>`, 'lol9'));
    expect(res.status).toBe(400);
    expect(res.body.problems[0].code).toBe('XML_DOCTYPE');
    expect(Date.now() - started).toBeLessThan(2_000);
    // and the parser underneath does not expand it either
    const parsed = await createModdle().fromXML(withDoctype(`<!DOCTYPE lolz [${entities.join('')}]>`, 'lol9')).catch(() => undefined);
    expect(JSON.stringify(parsed?.rootElement ?? {}, (key, value) => (key.startsWith('$') ? undefined : value)).length).toBeLessThan(10_000);
  });

  test('a DOCTYPE inside a comment or CDATA is only text: the definition deploys', async () => {
    const xml = bpmn('commented', `    <!-- <!DOCTYPE not-a-declaration> -->\n${PROCESS}`);
    const res = await deploy(xml);
    expect(res.status).toBe(201);
    const other = await t.request('GET', '/api/definitions');
    expect(other.body.items.map((d: { bpmnProcessId: string }) => d.bpmnProcessId)).toEqual(['commented']);
  });

  test('a 50 MB document: 413 from the route limit, as raw XML and as a multipart file', async () => {
    const big = bpmn('big', `${PROCESS}\n<!-- ${'x'.repeat(50 * 1024 * 1024)} -->`);
    const raw = await deploy(big);
    expect(raw.status).toBe(413);
    expect(raw.body.code).toBe('PAYLOAD_TOO_LARGE');
    // Baton answers before the upload ends and closes the connection; fetch (undici) reports the broken
    // upload instead of the answer, so this reads the answer with node:http, as curl does.
    const boundary = 'baton-boundary-1234';
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bpmn"\r\nContent-Type: application/xml\r\n\r\n`),
      Buffer.from(big),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await postRaw(`${t.url}/api/deployments`, { authorization: `Bearer ${t.key}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).code).toBe('PAYLOAD_TOO_LARGE');
    expect((await t.request('GET', '/health')).status).toBe(200);
  });

  test('10,000-deep nesting: a clear 400, no crash, Baton keeps serving', async () => {
    const deep = `${'<bpmn:extensionElements>'.repeat(10_000)}${'</bpmn:extensionElements>'.repeat(10_000)}`;
    const res = await deploy(bpmn('deep', PROCESS.replace('<bpmn:outgoing>f1</bpmn:outgoing>', `${deep}<bpmn:outgoing>f1</bpmn:outgoing>`)));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.problems.length).toBeGreaterThan(0);
    const foreign = `${'<x:a xmlns:x="urn:x">'.repeat(10_000)}${'</x:a>'.repeat(10_000)}`;
    const res2 = await deploy(bpmn('deep2', PROCESS.replace('<bpmn:outgoing>f1</bpmn:outgoing>', `<bpmn:extensionElements>${foreign}</bpmn:extensionElements><bpmn:outgoing>f1</bpmn:outgoing>`)));
    expect(res2.status).toBeLessThan(500);
    expect((await t.request('GET', '/health')).status).toBe(200);
  });

  test('valid XML that is not BPMN: 400 that says so', async () => {
    for (const xml of ['<?xml version="1.0"?><invoice><total>12</total></invoice>', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>']) {
      const res = await deploy(xml);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.problems)).toMatch(/not (valid )?BPMN|bpmn:definitions|XML/i);
    }
  });
});

/** POST with node:http; resolves with the answer even when the server stops reading the upload early. */
function postRaw(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (error) => setTimeout(() => reject(error), 500)); // EPIPE after the answer is fine
    req.end(body);
  });
}
