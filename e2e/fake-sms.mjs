// A stand-in for the SMS provider while the browser checks run: it speaks the shape of Twilio's
// Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded To/From/Body),
// accepts every text with 201 and appends it to a file as one JSON line. Loopback only.
// Usage: node fake-sms.mjs PORT FILE
import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';

const [port, file] = process.argv.slice(2);
createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', () => {
    if (request.method !== 'POST' || !/^\/2010-04-01\/Accounts\/[A-Za-z0-9]+\/Messages\.json$/.test(request.url)) {
      response.writeHead(404).end();
      return;
    }
    const fields = Object.fromEntries(new URLSearchParams(body));
    appendFileSync(file, `${JSON.stringify({ to: fields.To, body: fields.Body })}\n`);
    response.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM0"}');
  });
}).listen(Number(port), '127.0.0.1');
