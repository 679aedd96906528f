using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// Parses the DDL statements a MySQL or MariaDB binlog carries into their structure: which tables they name
/// in which role, and (for ALTER TABLE, CREATE TABLE, RENAME TABLE and DROP TABLE) their clauses with the
/// columns each concerns. It reads the statement's tokens, so names inside strings, comments and expressions
/// are never taken for tables. It recognises the statements it needs to and classifies the rest, rather
/// than validating SQL: the server that runs the statement does that.
/// </summary>
public static class DdlParser
{
    private static readonly HashSet<string> NoSchemaChangeAfterCreate = Words(
        "DATABASE", "SCHEMA", "VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "USER", "ROLE", "SERVER", "AGGREGATE",
        "SEQUENCE", "PACKAGE", "DEFINER", "ALGORITHM", "SQL", "LOGFILE", "TABLESPACE", "SPATIAL_REFERENCE_SYSTEM", "RESOURCE");

    private static readonly HashSet<string> NoSchemaChangeFirst = Words(
        "GRANT", "REVOKE", "ANALYZE", "OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM", "FLUSH", "INSTALL", "UNINSTALL", "SET", "RESET", "PURGE");

    private static readonly HashSet<string> TableOptionWords = Words(
        "ENGINE", "AUTO_INCREMENT", "AVG_ROW_LENGTH", "CHARACTER", "CHARSET", "CHECKSUM", "COLLATE", "COMMENT", "COMPRESSION", "CONNECTION",
        "DATA", "DEFAULT", "DELAY_KEY_WRITE", "ENCRYPTED", "ENCRYPTION", "ENCRYPTION_KEY_ID", "INSERT_METHOD", "KEY_BLOCK_SIZE", "MAX_ROWS",
        "MIN_ROWS", "PACK_KEYS", "PAGE_CHECKSUM", "PAGE_COMPRESSED", "PAGE_COMPRESSION_LEVEL", "PASSWORD", "ROW_FORMAT", "SEQUENCE",
        "STATS_AUTO_RECALC", "STATS_PERSISTENT", "STATS_SAMPLE_PAGES", "TRANSACTIONAL", "UNION", "CONVERT", "TABLESPACE", "INDEX", "IETF_QUOTES");

    private static readonly HashSet<string> PartitionWords = Words(
        "PARTITION", "REMOVE", "COALESCE", "REORGANIZE", "TRUNCATE", "ANALYZE", "CHECK", "OPTIMIZE", "REBUILD", "REPAIR", "DISCARD", "IMPORT");

    private static readonly HashSet<string> IndexWords = Words("INDEX", "KEY", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL");

    public static DdlStatement Parse(string sql)
    {
        var tokens = MySqlTokenizer.Tokenize(sql);
        var c = new DdlCursor(tokens);
        var tables = new List<DdlTableName>();
        var clauses = new List<DdlClause>();
        var kind = DdlKind.Unknown;
        bool ifExists = false, ifNotExists = false, orReplace = false;
        string? database = null;

        if (c.Accept("CREATE"))
        {
            orReplace = c.Accept("OR", "REPLACE");
            c.Accept("ONLINE");
            c.Accept("OFFLINE");
            if (c.Accept("TEMPORARY")) kind = DdlKind.NoSchemaChange; // not in a ROW binlog; never a synchronized table
            else if (c.Accept("TABLE"))
            {
                kind = DdlKind.CreateTable;
                ifNotExists = c.Accept("IF", "NOT", "EXISTS");
                if (c.Name(DdlNameRole.Subject) is { } subject)
                {
                    tables.Add(subject);
                    CreateTableBody(c, tables, clauses);
                }
                else kind = DdlKind.Unknown;
            }
            else if (c.PeekWord() is { } word && (IndexWords.Contains(word) && word != "KEY" && word != "PRIMARY"))
            {
                c.Accept("UNIQUE");
                c.Accept("FULLTEXT");
                c.Accept("SPATIAL");
                if (c.Accept("INDEX"))
                {
                    ifNotExists = c.Accept("IF", "NOT", "EXISTS");
                    var index = c.Identifier();
                    while (!c.AtEnd && !c.IsWord("ON")) c.Next();
                    if (c.Accept("ON") && c.Name(DdlNameRole.Subject) is { } on)
                    {
                        kind = DdlKind.CreateIndex;
                        tables.Add(on);
                        clauses.Add(new DdlClause(DdlClauseKind.AddIndex, tokens.Count, tokens.Count - 1, -1, c.ParenthesizedNames(), IndexName: index));
                    }
                }
            }
            else if (c.PeekWord() is { } other && NoSchemaChangeAfterCreate.Contains(other)) kind = DdlKind.NoSchemaChange;
        }
        else if (c.Accept("ALTER"))
        {
            c.Accept("ONLINE");
            c.Accept("OFFLINE");
            c.Accept("IGNORE");
            if (c.Accept("TABLE"))
            {
                ifExists = c.Accept("IF", "EXISTS");
                if (c.Name(DdlNameRole.Subject) is { } subject)
                {
                    kind = DdlKind.AlterTable;
                    tables.Add(subject);
                    if (c.Accept("WAIT")) c.Next();
                    c.Accept("NOWAIT");
                    foreach (var (first, last, separator) in c.SplitRest())
                        clauses.Add(AlterSpec(new DdlCursor(tokens, first, last), separator, tables));
                }
            }
            else if (c.PeekWord() is { } other && NoSchemaChangeAfterCreate.Contains(other)) kind = DdlKind.NoSchemaChange;
        }
        else if (c.Accept("RENAME"))
        {
            if (c.Accept("TABLE") || c.Accept("TABLES"))
            {
                kind = DdlKind.RenameTable;
                ifExists = c.Accept("IF", "EXISTS");
                foreach (var (first, last, separator) in c.SplitRest())
                {
                    var pair = new DdlCursor(tokens, first, last);
                    var from = pair.Name(DdlNameRole.RenameFrom);
                    if (pair.Accept("WAIT")) pair.Next();
                    pair.Accept("NOWAIT");
                    var to = pair.Accept("TO") ? pair.Name(DdlNameRole.RenameTo) : null;
                    if (from is null || to is null) { kind = DdlKind.Unknown; break; }
                    tables.Add(from);
                    tables.Add(to);
                    clauses.Add(new DdlClause(DdlClauseKind.RenamePair, first, last, separator, [], Names: [from, to]));
                }
            }
            else kind = DdlKind.NoSchemaChange; // RENAME USER
        }
        else if (c.Accept("DROP"))
        {
            if (c.Accept("TEMPORARY")) kind = DdlKind.NoSchemaChange;
            else if (c.Accept("TABLE") || c.Accept("TABLES"))
            {
                kind = DdlKind.DropTable;
                ifExists = c.Accept("IF", "EXISTS");
                foreach (var (first, last, separator) in c.SplitRest())
                {
                    var item = new DdlCursor(tokens, first, last);
                    if (item.Name(DdlNameRole.Subject) is not { } name) { kind = DdlKind.Unknown; break; }
                    tables.Add(name);
                    clauses.Add(new DdlClause(DdlClauseKind.DropItem, first, name.Last, separator, [], Names: [name]));
                }
            }
            else if (c.Accept("INDEX"))
            {
                ifExists = c.Accept("IF", "EXISTS");
                var index = c.Identifier();
                if (c.Accept("ON") && c.Name(DdlNameRole.Subject) is { } on)
                {
                    kind = DdlKind.DropIndex;
                    tables.Add(on);
                    clauses.Add(new DdlClause(DdlClauseKind.DropIndex, tokens.Count, tokens.Count - 1, -1, [], IndexName: index));
                }
            }
            else if (c.Accept("DATABASE") || c.Accept("SCHEMA"))
            {
                ifExists = c.Accept("IF", "EXISTS");
                database = c.Identifier();
                kind = database is null ? DdlKind.Unknown : DdlKind.DropDatabase;
            }
            else if (c.PeekWord() is { } other && NoSchemaChangeAfterCreate.Contains(other)) kind = DdlKind.NoSchemaChange;
        }
        else if (c.Accept("TRUNCATE"))
        {
            c.Accept("TABLE");
            if (c.Name(DdlNameRole.Subject) is { } subject)
            {
                kind = DdlKind.TruncateTable;
                tables.Add(subject);
            }
        }
        else if (c.PeekWord() is { } first && NoSchemaChangeFirst.Contains(first))
        {
            kind = DdlKind.NoSchemaChange;
        }
        return new DdlStatement(sql, tokens, kind, tables, clauses, ifExists, ifNotExists, orReplace, database);
    }

    private static void CreateTableBody(DdlCursor c, List<DdlTableName> tables, List<DdlClause> clauses)
    {
        if (c.Accept("LIKE"))
        {
            if (c.Name(DdlNameRole.Like) is { } like) tables.Add(like);
            return;
        }
        if (!c.IsSymbol("(")) return;
        var (open, close) = c.Group();
        var inner = new DdlCursor(c.Tokens, open + 1, close - 1);
        if (inner.Accept("LIKE"))
        {
            if (inner.Name(DdlNameRole.Like) is { } like) tables.Add(like);
            return;
        }
        foreach (var (first, last, separator) in inner.SplitRest())
            clauses.Add(CreateElement(new DdlCursor(c.Tokens, first, last), separator, tables));
    }

    private static DdlClause CreateElement(DdlCursor c, int separator, List<DdlTableName> tables)
    {
        var (first, last) = (c.Start, c.End);
        DdlClause Clause(DdlClauseKind kind, IReadOnlyList<string> columns, string? index = null, IReadOnlyList<DdlTableName>? names = null) =>
            new(kind, first, last, separator, columns, IndexName: index, Names: names);

        string? constraint = null;
        if (c.Accept("CONSTRAINT"))
        {
            if (!IsConstraintKind(c.PeekWord())) constraint = c.Identifier();
        }
        var word = c.PeekWord();
        if (word == "FOREIGN") return ForeignKey(c, tables, names => Clause(DdlClauseKind.ForeignKey, names.Columns, constraint, names.Names));
        if (word == "CHECK") return Clause(DdlClauseKind.Check, c.IdentifiersToEnd());
        if (word == "PERIOD") return Clause(DdlClauseKind.Other, []);
        if (word is not null && IndexWords.Contains(word) && c.CouldBeKeyword())
        {
            var name = IndexHeader(c);
            return Clause(DdlClauseKind.Index, c.ParenthesizedNames(), name ?? constraint);
        }
        return c.Identifier() is { } column ? Clause(DdlClauseKind.Column, [column]) : Clause(DdlClauseKind.Other, []);
    }

    /// <summary>One ALTER TABLE specification.</summary>
    private static DdlClause AlterSpec(DdlCursor c, int separator, List<DdlTableName> tables)
    {
        var (first, last) = (c.Start, c.End);
        DdlClause Clause(DdlClauseKind kind, IReadOnlyList<string> columns, string? newColumn = null, string? index = null, IReadOnlyList<DdlTableName>? names = null) =>
            new(kind, first, last, separator, columns, newColumn, index, names);

        if (c.Accept("ADD"))
        {
            var word = c.PeekWord();
            if (word == "PARTITION") return Clause(DdlClauseKind.Partition, []);
            if (word is "PERIOD" or "SYSTEM") return Clause(DdlClauseKind.Other, []);
            string? constraint = null;
            if (c.Accept("CONSTRAINT"))
            {
                c.Accept("IF", "NOT", "EXISTS");
                if (!IsConstraintKind(c.PeekWord())) constraint = c.Identifier();
                word = c.PeekWord();
            }
            if (word == "FOREIGN") return ForeignKey(c, tables, names => Clause(DdlClauseKind.AddForeignKey, names.Columns, index: constraint, names: names.Names));
            if (word == "CHECK") return Clause(DdlClauseKind.AddCheck, c.IdentifiersToEnd(), index: constraint);
            if (word is not null && IndexWords.Contains(word) && c.CouldBeKeyword())
            {
                var name = IndexHeader(c);
                return Clause(DdlClauseKind.AddIndex, c.ParenthesizedNames(), index: name ?? constraint);
            }
            c.Accept("COLUMN");
            c.Accept("IF", "NOT", "EXISTS");
            if (c.IsSymbol("("))
            {
                // ADD (a INT, b INT)
                var (open, close) = c.Group();
                var names = new DdlCursor(c.Tokens, open + 1, close - 1).SplitRest()
                    .Select(p => new DdlCursor(c.Tokens, p.First, p.Last).Identifier()).OfType<string>().ToList();
                return Clause(DdlClauseKind.AddColumn, names);
            }
            return c.Identifier() is { } added ? Clause(DdlClauseKind.AddColumn, [added]) : Clause(DdlClauseKind.Other, []);
        }
        if (c.Accept("DROP"))
        {
            if (c.Accept("PRIMARY", "KEY")) return Clause(DdlClauseKind.DropPrimaryKey, []);
            if (c.Accept("INDEX") || c.Accept("KEY"))
            {
                c.Accept("IF", "EXISTS");
                return Clause(DdlClauseKind.DropIndex, [], index: c.Identifier());
            }
            if (c.Accept("FOREIGN", "KEY"))
            {
                c.Accept("IF", "EXISTS");
                return Clause(DdlClauseKind.DropForeignKey, [], index: c.Identifier());
            }
            if (c.Accept("CONSTRAINT"))
            {
                c.Accept("IF", "EXISTS");
                return Clause(DdlClauseKind.DropConstraint, [], index: c.Identifier());
            }
            if (c.Accept("CHECK")) return Clause(DdlClauseKind.DropCheck, [], index: c.Identifier());
            if (c.IsWord("PARTITION")) return Clause(DdlClauseKind.Partition, []);
            if (c.IsWord("SYSTEM") || c.IsWord("PERIOD")) return Clause(DdlClauseKind.Other, []);
            c.Accept("COLUMN");
            c.Accept("IF", "EXISTS");
            return c.Identifier() is { } dropped ? Clause(DdlClauseKind.DropColumn, [dropped]) : Clause(DdlClauseKind.Other, []);
        }
        if (c.Accept("MODIFY"))
        {
            c.Accept("COLUMN");
            c.Accept("IF", "EXISTS");
            return c.Identifier() is { } modified ? Clause(DdlClauseKind.ModifyColumn, [modified]) : Clause(DdlClauseKind.Other, []);
        }
        if (c.Accept("CHANGE"))
        {
            c.Accept("COLUMN");
            c.Accept("IF", "EXISTS");
            var old = c.Identifier();
            var renamed = c.Identifier();
            return old is null || renamed is null ? Clause(DdlClauseKind.Other, []) : Clause(DdlClauseKind.ChangeColumn, [old], renamed);
        }
        if (c.Accept("RENAME"))
        {
            if (c.Accept("COLUMN"))
            {
                c.Accept("IF", "EXISTS");
                var old = c.Identifier();
                var renamed = c.Accept("TO") ? c.Identifier() : null;
                return old is null || renamed is null ? Clause(DdlClauseKind.Other, []) : Clause(DdlClauseKind.RenameColumn, [old], renamed);
            }
            if (c.Accept("INDEX") || c.Accept("KEY"))
                return Clause(DdlClauseKind.RenameIndex, [], index: c.Identifier());
            if (!c.Accept("TO") && !c.Accept("AS")) c.AcceptSymbol("=");
            if (c.Name(DdlNameRole.RenameTo) is { } to)
            {
                tables.Add(to);
                return Clause(DdlClauseKind.RenameTable, [], names: [to]);
            }
            return Clause(DdlClauseKind.Other, []);
        }
        if (c.Accept("ALTER"))
        {
            if (c.Accept("INDEX") || c.Accept("KEY")) return Clause(DdlClauseKind.AlterIndex, [], index: c.Identifier());
            if (c.IsWord("CHECK") || c.IsWord("CONSTRAINT")) return Clause(DdlClauseKind.Other, []);
            c.Accept("COLUMN");
            c.Accept("IF", "EXISTS");
            return c.Identifier() is { } altered ? Clause(DdlClauseKind.AlterColumn, [altered]) : Clause(DdlClauseKind.Other, []);
        }
        if (c.IsWord("EXCHANGE") || c.IsWord("CONVERT") && !c.IsWordAt(1, "TO"))
        {
            // EXCHANGE PARTITION p WITH TABLE t; CONVERT PARTITION p TO TABLE t; CONVERT TABLE t TO PARTITION p
            var names = new List<DdlTableName>();
            while (!c.AtEnd)
            {
                if (c.Accept("TABLE") && c.Name(DdlNameRole.Partner) is { } partner) names.Add(partner);
                else c.Next();
            }
            tables.AddRange(names);
            return Clause(DdlClauseKind.MovesRows, [], names: names);
        }
        if (c.PeekWord() is { } word2 && PartitionWords.Contains(word2) && (word2 != "CHECK" || c.IsWordAt(1, "PARTITION")))
            return Clause(DdlClauseKind.Partition, []);
        if (c.PeekWord() is { } option && TableOptionWords.Contains(option)) return Clause(DdlClauseKind.TableOption, []);
        return Clause(DdlClauseKind.Other, []);
    }

    /// <summary>FOREIGN KEY [name] (cols) REFERENCES table (cols) ...</summary>
    private static DdlClause ForeignKey(DdlCursor c, List<DdlTableName> tables, Func<(IReadOnlyList<string> Columns, IReadOnlyList<DdlTableName> Names), DdlClause> make)
    {
        c.Accept("FOREIGN");
        c.Accept("KEY");
        c.Accept("IF", "NOT", "EXISTS");
        if (!c.IsSymbol("(")) c.Identifier();
        var columns = c.ParenthesizedNames();
        var names = new List<DdlTableName>();
        if (c.Accept("REFERENCES") && c.Name(DdlNameRole.Referenced) is { } referenced) names.Add(referenced);
        tables.AddRange(names);
        return make((columns, names));
    }

    /// <summary>[PRIMARY] [UNIQUE|FULLTEXT|SPATIAL] [INDEX|KEY] [IF NOT EXISTS] [name] [USING x]: returns the name.</summary>
    private static string? IndexHeader(DdlCursor c)
    {
        var primary = c.Accept("PRIMARY");
        c.Accept("UNIQUE");
        c.Accept("FULLTEXT");
        c.Accept("SPATIAL");
        if (!c.Accept("INDEX")) c.Accept("KEY");
        c.Accept("IF", "NOT", "EXISTS");
        string? name = primary ? "PRIMARY" : null;
        if (!c.IsSymbol("(") && !c.IsWord("USING") && !c.AtEnd) name = c.Identifier() ?? name;
        return name;
    }

    private static bool IsConstraintKind(string? word) => word is "PRIMARY" or "UNIQUE" or "FOREIGN" or "CHECK";

    private static HashSet<string> Words(params string[] words) => new(words, StringComparer.OrdinalIgnoreCase);
}
