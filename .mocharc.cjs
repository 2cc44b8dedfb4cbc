// Mocha adds the files named on the command line to the `spec` of its config instead of running
// only them; the suite's glob is therefore the default only when no spec file is named, so that
// `npx mocha spec/relay/relay.spec.ts` runs that file alone.
const namesSpecFiles = process.argv.slice(2).some((arg) => !arg.startsWith('-') && /\.spec\.ts$|^spec\//.test(arg));

module.exports = {
  'node-option': ['import=tsx', 'expose-gc'],
  extension: ['ts'],
  ...(namesSpecFiles ? {} : { spec: ['spec/**/*.spec.ts'] }),
  timeout: 30000,
  exit: false,
};
