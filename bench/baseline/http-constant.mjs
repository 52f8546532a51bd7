// Baseline for `send`: a bare Node http server that reads a JSON POST and answers with a
// constant body of about the same size as a ClickClack message response. Prints its URL.
import { createServer } from 'node:http';

const body = JSON.stringify({
  message: { id: 'msg_x', body: 'x'.repeat(600) },
  event: { id: 'evt_x' },
});
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(body));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
