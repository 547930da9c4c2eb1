import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'bench/.peers/', 'bench/.work/', 'test/.artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['bin/*.js', 'eslint.config.js'] } },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['bin/*.js', 'eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  ...layerRules(),
);

/**
 * The layers of DESIGN.md §3, checked on every import: http → services → store (+ domain, wire, client).
 * Each file matches one block below (later blocks override earlier ones for the same rule), so every block
 * repeats the rules that hold everywhere. Type-only imports of store row types are allowed in http.
 */
function layerRules() {
  const rule = '@typescript-eslint/no-restricted-imports';
  const restrict = (...patterns) => ({ [rule]: ['error', { patterns }] });
  const noMigrations = {
    regex: '(^|/)migrations/',
    message:
      'Migrations are frozen and run by main/cli only (migrations/index.ts); move shared values to the store.',
  };
  const onlyMigrationIndex = {
    regex: '(^|/)migrations/(?!index\\.ts$)',
    message: 'Run migrations through migrations/index.ts; a frozen migration is no module to import from.',
  };
  const drivers = {
    regex: '^(kysely|pg|better-sqlite3)$',
    message: 'Only the store (repositories, database) talks to the database driver or Kysely.',
  };
  const framework = {
    regex: '^(fastify|@fastify/)',
    message: 'Services never import Fastify: they throw BiliError and the http layer answers.',
  };
  const http = { regex: '(^|/)http/', message: 'Dependencies point one way: http → services → store.' };
  const services = {
    regex: '(^|/)services/',
    message: 'Dependencies point one way: http → services → store.',
  };
  const store = { regex: '(^|/)store/', message: 'Dependencies point one way: http → services → store.' };
  const storeInternals = {
    regex: '(^|/)store/(database|write-batcher)\\.ts$',
    message:
      'The store owns the connection, its batchers and group commits (store.createWatchWrites, store.createCommentInserts, store.rateLimits, store.close()); services reach them through Store.',
  };
  // Which database a node runs on is the store's business: a difference is a class per database there.
  const noDialectQuestions = {
    'no-restricted-syntax': [
      'error',
      {
        selector: 'MemberExpression[property.name=/^(dialect|handle)$/]',
        message:
          'Services and routes never ask which database they are on (store.sharedAcrossNodes, or a class per database in src/store).',
      },
    ],
  };
  return [
    { files: ['src/**/*.ts'], rules: restrict(noMigrations) },
    { files: ['src/main.ts', 'src/cli/**/*.ts', 'src/testing/**/*.ts'], rules: restrict(onlyMigrationIndex) },
    {
      files: ['src/http/**/*.ts'],
      rules: {
        ...restrict(noMigrations, drivers, {
          ...store,
          allowTypeImports: true,
          message: 'The http layer reaches the store through services; only row types may be imported.',
        }),
        ...noDialectQuestions,
      },
    },
    {
      files: ['src/services/**/*.ts'],
      rules: { ...restrict(noMigrations, drivers, framework, http, storeInternals), ...noDialectQuestions },
    },
    { files: ['src/store/**/*.ts'], rules: restrict(noMigrations, framework, http, services) },
    {
      files: ['src/store/migrations/*.ts'],
      rules: restrict({
        regex: '^\\.\\./',
        message: 'A migration is frozen: it may not depend on code that changes after it is released.',
      }),
    },
    {
      files: ['src/domain/**/*.ts'],
      rules: restrict(noMigrations, drivers, framework, http, services, store, {
        regex: '(^|/)(client|cli)/',
        message: 'The domain holds pure rules and imports no other layer.',
      }),
    },
    {
      files: ['src/wire/**/*.ts'],
      rules: restrict({
        regex: '^(?!\\./|typebox($|/))',
        message: 'Wire schemas import only typebox and each other.',
      }),
    },
    {
      files: ['src/client/**/*.ts'],
      rules: restrict(noMigrations, drivers, framework, http, services, store),
    },
    {
      files: ['web/src/**/*.ts'],
      rules: restrict(
        {
          regex: '^(\\.\\./)+src/',
          message:
            "The web UI imports the client package ('replay/client'), as any other user would, not src/.",
        },
        {
          regex: '^replay/(?!client$)',
          message: "The web UI uses only the client package, 'replay/client'.",
        },
      ),
    },
  ];
}
