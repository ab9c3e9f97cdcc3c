#!/usr/bin/env node
// The one script that rebuilds dist/ (placeholder until the action bundle lands).
console.log('nothing to build yet');
