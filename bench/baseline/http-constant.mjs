// Baseline: a bare Node http server that reads a request and answers with a constant body.
// With no argument (`send`) the body is about the size of a ClickClack message response and
// the status 201; given a file (`history`), it answers 200 with that file's bytes. Prints
// its URL.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.argv[2];
const status = file ? 200 : 201;
const body = file
  ? readFileSync(file)
  : JSON.stringify({
      message: { id: 'msg_x', body: 'x'.repeat(600) },
      event: { id: 'evt_x' },
    });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
