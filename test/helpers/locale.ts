/**
 * Loaded by mocha before any test (.mocharc.json): the CLI and the engine follow LC_ALL /
 * LC_MESSAGES / LANG, and the tests assert their English text, so every child process they start
 * inherits an English locale whatever the developer's machine uses. The l10n tests set their own.
 */
delete process.env.LC_ALL;
delete process.env.LC_MESSAGES;
process.env.LANG = 'C.UTF-8';
