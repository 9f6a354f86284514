// Example service "api": a gateway in front of catalog. It is healthy only while catalog answers.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 5011);
const catalogUrl = process.env.CATALOG_URL ?? 'http://127.0.0.1:5010';

async function catalog(path) {
  const res = await fetch(`${catalogUrl}${path}`, { signal: AbortSignal.timeout(1000) });
  return { status: res.status, body: await res.json() };
}

const server = createServer(async (req, res) => {
  try {
    if (req.url === '/health') {
      const upstream = await catalog('/health').catch((err) => ({ status: 503, body: { error: err.message } }));
      const healthy = upstream.status === 200;
      return json(res, healthy ? 200 : 503, { status: healthy ? 'healthy' : 'degraded', checks: { catalog: upstream.status } });
    }
    if (req.url === '/api/items') {
      const { body } = await catalog('/items');
      return json(res, 200, { items: body, served_by: process.pid });
    }
    json(res, 404, { error: 'not found' });
  } catch (err) {
    console.error(`request failed: ${err.stack}`);
    json(res, 502, { error: 'catalog unavailable' });
  }
});

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

server.listen(port, '127.0.0.1', () => console.log(`INFO api listening on 127.0.0.1:${port}, catalog at ${catalogUrl}`));
process.on('SIGTERM', () => {
  console.log('INFO SIGTERM: draining connections');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
