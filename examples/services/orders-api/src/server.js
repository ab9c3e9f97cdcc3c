// orders-api: a tiny HTTP service with planted problems for the Gatehouse demo. Do not deploy.
const http = require('node:http');
const _ = require('lodash');
const db = require('./db');

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');

  if (url.pathname === '/orders') {
    const customer = url.searchParams.get('customer');
    // PLANTED: SQL built by string concatenation (injection)
    const rows = await db.query("SELECT * FROM orders WHERE customer = '" + customer + "'");
    res.end(JSON.stringify(_.map(rows, 'id')));
    return;
  }

  if (url.pathname === '/discount') {
    // PLANTED: user input evaluated as code
    const rule = eval(url.searchParams.get('expr'));
    res.end(String(rule));
    return;
  }

  res.statusCode = 404;
  res.end();
});

server.listen(process.env.PORT || 3000);
