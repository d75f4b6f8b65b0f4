// Frozen: pgtel recorded the sha256 of a migration's whole file in schema_migrations.checksum before
// checksums were taken over its statements only (comments ignored). These are those whole-file
// checksums, so a database migrated back then matches without a mismatch report. Never add to it.

/** Whole-file sha256 by migration version, as recorded by databases migrated before the change. */
export const WHOLE_FILE_CHECKSUMS = {
  1: '40f8dc3ce817a07225f289e34a35f865ef282b15c8a6e5ee2836965b7f7624d3',
  2: 'bd26cd372e705e61c5346e4b58e4ed7d75d69d38018529bc11fc34793e3fbbed',
  3: 'd3520fc71bbb40442dec5a408291f64c2a7452545ee92e77a1c02971c6424cb6',
  4: '3a011be79dfa518d6f2133c0a9c6b01f6c285c1afddf9306dc059749c606adfc',
  5: 'ab518fdc9b9c35a6c10fc01aa57d9438c9bd7eb655509f37d07c46dc9fb32531',
  6: '435b2ea95e558d794e337a6938fdb12da244de11c7251a3ba484330aa97c2be1',
  7: 'ab32fb410ded0ae5a07376e95bd747668632ce7f5f1d0257852a80f9968b61e2',
  8: 'a57e6474099264f54033f0b8e256900316895cfc4a329e9dfdf827f2175a723d',
  9: 'f6e13a1354a84646130d1e6ae36736c536528dd82730a5fe64504bf2a0578404',
  10: '754c843a8ff126aa9aa61cb493d4ca3eaa3f595bf8c199ac45c3d440ea2fa4ac',
  11: 'c17daa0a3159d635e00eb68a112ef557a8eeedeb5d8bb93a20b6572592aa12ab',
  13: '0e8f4c6cd34101a5233d429b675d888375a2de820482c6921427234f74e04b2b',
  14: '181790558d74723b8c2955248977d67adcd251c9a609da37e75606e643928858',
};
