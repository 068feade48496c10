-- Full-text index over the catalog. Maintained by src/registry/search-index.ts (not triggers):
-- tool names and descriptions come from snapshots, which triggers on `servers` can't see.
-- rowid = servers.id. Prefix indexes make "as you type" prefix queries cheap.
CREATE VIRTUAL TABLE `servers_fts` USING fts5(
	`name`, `title`, `description`, `tags`, `tools`,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
