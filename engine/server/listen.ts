/** Starts an express app listening; resolves with its URL, rejects with a clear error (e.g. EADDRINUSE). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export function listen(app: Express, port: number, host: string): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    // express 5 calls the listen callback with the error too
    const server = app.listen(port, host, (error?: Error) => {
      if (error) reject(new Error(`Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
      else resolve({ server, url: `http://${host}:${(server.address() as AddressInfo).port}` });
    });
  });
}
