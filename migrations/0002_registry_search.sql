-- Full-text index over the catalog, rowid = servers.id. Written by src/registry/search-index.ts
-- (tool names and descriptions come from snapshots, which triggers on `servers` can't see).
-- The namespace has its own column so "github" in every official `io.github.*` name doesn't make
-- every server a name match. `strong` repeats the name's and title's tokens, each marked with
-- U+E001, so "which servers are called X" reads a doclist of just those instead of filtering
-- every mention of X by column. `facets` holds filter tokens (visibility, deployed, verified,
-- owner, tags) marked with U+E000, so filters are intersected inside the index and a count needs
-- no join. Search words can't contain either mark (they are private-use characters). Prefix
-- indexes serve words of 1-3 characters (4 with the mark); longer words are expanded through
-- `search_terms` (see search-match.ts).
CREATE VIRTUAL TABLE `servers_fts` USING fts5(
	`name`, `namespace`, `title`, `description`, `tags`, `tools`, `strong`, `facets`,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '1 2 3 4'
);
--> statement-breakpoint
-- Every token ever indexed (never pruned: a stale term only expands to nothing), so a prefix is
-- expanded by an index range scan instead of FTS5 merging every matching doclist per query.
CREATE TABLE `search_terms` (`term` text PRIMARY KEY NOT NULL) WITHOUT ROWID;
--> statement-breakpoint
-- FTS3's copy of the same unicode61 tokenizer, callable from SQL: it yields the tokens FTS5 indexes.
CREATE VIRTUAL TABLE `search_tokenizer` USING fts3tokenize('unicode61', 'remove_diacritics=2');
--> statement-breakpoint
-- The facet tokens of a server. Tags are hex-encoded so any tag is exactly one token.
CREATE VIEW `server_facets` AS SELECT s.`id`,
	char(57344) || s.`visibility`
	|| CASE WHEN s.`deployed` THEN ' ' || char(57344) || 'deployed' ELSE '' END
	|| CASE WHEN s.`verified` THEN ' ' || char(57344) || 'verified' ELSE '' END
	|| ' ' || char(57344) || 'ns' || s.`namespace_id`
	|| coalesce((SELECT group_concat(' ' || char(57344) || 't' || lower(hex(lower(j.`value`))), '') FROM json_each(s.`tags`) j WHERE j.`value` IS NOT NULL), '')
	AS `facets`
FROM `servers` s;
--> statement-breakpoint
-- Filters change without a re-index (deploying, verifying, retagging): keep the facets in step.
CREATE TRIGGER `servers_facets_update` AFTER UPDATE OF `visibility`, `deployed`, `verified`, `namespace_id`, `tags` ON `servers` BEGIN
	UPDATE `servers_fts` SET `facets` = (SELECT `facets` FROM `server_facets` WHERE `id` = new.`id`) WHERE rowid = new.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `servers_fts_delete` AFTER DELETE ON `servers` BEGIN
	DELETE FROM `servers_fts` WHERE rowid = old.`id`;
END;
--> statement-breakpoint
-- The order results fall back to (deployed first, most used, newest, then id), covering the
-- visibility check, so listing walks it and stops after one page.
CREATE INDEX `servers_rank_idx` ON `servers` (`deployed` DESC, `use_count` DESC, `updated_at` DESC, `id`, `visibility`, `namespace_id`);
--> statement-breakpoint
-- owner: compares case-insensitively.
CREATE INDEX `namespaces_name_nocase_idx` ON `namespaces` (`name` COLLATE NOCASE);
