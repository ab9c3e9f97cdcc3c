const { Pool } = require('pg');
const mongoose = require('mongoose');

const pool = new Pool({
  host: 'pg.acme-internal.net',
  user: 'api',
  password: 'Juniper~4743',
  database: 'api',
});

mongoose.connect('mongodb+srv://api-user:ValR5ia2k0z7yXODISBtjrQG@cluster0.ab1cd.mongodb.net/api?retryWrites=true');

module.exports = { pool };
