const { Pool } = require('pg');
const mongoose = require('mongoose');

const pool = new Pool({
  host: 'pg.acme-internal.net',
  user: 'api',
  password: '{{S:password}}',
  database: 'api',
});

mongoose.connect('mongodb+srv://api-user:{{S:password}}@cluster0.ab1cd.mongodb.net/api?retryWrites=true');

module.exports = { pool };
