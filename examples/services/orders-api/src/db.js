// Stand-in database client for the example (returns no rows).
module.exports = {
  async query(_sql) {
    return [];
  },
};
