using OmsSync.Engine.Errors;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Rules;

/// <summary>
/// A row filter is one boolean expression over its table's columns, in the source's SQL: the source evaluates it
/// inside statements OmsSync writes (the copy's SELECT, the pre-check, the incremental filter, verification), so it
/// must not be able to end that statement, start another, read other tables or change anything. Checked by its
/// tokens (<see cref="MySqlTokenizer"/>, which PostgreSQL's quoting fits once dollar quotes and escape strings are
/// refused); the server parses the rest when the pre-check evaluates it.
/// </summary>
public static class RowFilterCheck
{
    // Words that start or join statements and subqueries, or end a WHERE clause: never part of a column expression.
    // Reserved in MySQL and PostgreSQL alike, so a column of that name must be quoted and is not meant here.
    private static readonly HashSet<string> StatementWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "WITH", "VALUES", "TABLE", "UNION", "EXCEPT", "INTERSECT", "INTO", "WHERE", "HAVING", "GROUP", "ORDER", "LIMIT",
        "WINDOW", "PROCEDURE", "RETURNING", "ALTER", "CREATE", "DROP", "DELETE", "UPDATE", "GRANT", "REVOKE", "TRUNCATE",
        "RENAME", "CALL", "LOCK", "UNLOCK", "SHOW", "DESCRIBE", "EXPLAIN", "ANALYZE", "OPTIMIZE", "KILL", "LOAD", "USE", "HANDLER",
    };

    // Statement words that are also names of built-in string functions: a statement when no parenthesis follows.
    private static readonly HashSet<string> StatementUnlessCalled = new(StringComparer.OrdinalIgnoreCase) { "INSERT", "REPLACE" };

    // Built-in functions that wait, take locks, read files, change sequences or session state, or run SQL text of their
    // own: a filter is evaluated many times on the source and must do none of that.
    private static readonly string[] MySqlFunctions =
    [
        "sleep", "benchmark", "get_lock", "release_lock", "release_all_locks", "is_free_lock", "is_used_lock", "load_file",
        "master_pos_wait", "source_pos_wait", "master_gtid_wait", "wait_for_executed_gtid_set", "wait_until_sql_thread_after_gtids",
        "nextval", "setval", "lastval", "last_insert_id",
    ];

    // By prefix: each family (pg_sleep_for, lo_import, dblink_exec ...) and, below, every *_to_xml, which runs a query of its own.
    private static readonly string[] PostgresFunctions =
    [
        "pg_sleep", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal", "pg_promote",
        "pg_read_", "pg_ls_", "pg_stat_file", "pg_stat_reset", "pg_file_", "lo_", "dblink", "set_config", "nextval", "setval",
        "pg_advisory", "pg_try_advisory", "pg_notify", "pg_logical_", "pg_create_", "pg_drop_", "pg_replication_", "pg_copy_",
        "pg_export_snapshot", "pg_import_", "txid_current", "pg_current_xact_id", "pg_backup", "pg_start_backup", "pg_stop_backup",
    ];

    /// <summary>Null when the filter is one expression of the kind a row filter may be; else what is wrong with it.</summary>
    /// <param name="postgres">The source is PostgreSQL (its quoting and functions), else MySQL-family.</param>
    public static string? Problem(string filter, bool postgres)
    {
        if (string.IsNullOrWhiteSpace(filter)) return "it is empty";
        var tokens = MySqlTokenizer.Tokenize(filter, backslashEscapes: !postgres);
        var depth = 0;
        var significant = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var at = $"at character {token.Offset + 1}";
            switch (token.Kind)
            {
                case MySqlTokenKind.Whitespace:
                    continue;
                case MySqlTokenKind.Comment:
                    return $"it holds a comment ({Shorten(token.Text)}) {at}, which can hide text from this check; remove it";
                case MySqlTokenKind.String or MySqlTokenKind.QuotedIdentifier when !IsClosed(token.Text, backslashEscapes: !postgres && token.Kind == MySqlTokenKind.String):
                    return $"a quote opened {at} is never closed";
                case MySqlTokenKind.Variable when !postgres:
                    return $"it refers to a variable ({token.Text}) {at}; a row filter reads only the row's own columns";
            }
            significant++;
            if (token.IsSymbol(";"))
                return $"it holds a statement separator (;) {at}; a row filter is one condition, not statements";
            if (token.IsSymbol("(")) depth++;
            if (token.IsSymbol(")") && --depth < 0)
                return $"a closing parenthesis {at} has no opening one, so it would close the statement around the filter";
            if (token.IsSymbol(",") && depth == 0)
                return $"it holds more than one expression (a comma {at} outside parentheses); a row filter is one condition";
            if (postgres && PostgresProblem(tokens, i) is { } pg)
                return $"{pg} {at}";
            if (token.Kind != MySqlTokenKind.Word && token.Kind != MySqlTokenKind.QuotedIdentifier) continue;
            var next = MySqlTokenizer.NextSignificant(tokens, i + 1);
            var called = next >= 0 && tokens[next].IsSymbol("(");
            if (token.Kind == MySqlTokenKind.Word && (StatementWords.Contains(token.Text) || StatementUnlessCalled.Contains(token.Text) && !called))
                return token.Text.ToUpperInvariant() is "SELECT" or "WITH" or "VALUES" or "TABLE"
                    ? $"it holds a subquery ({token.Text} {at}); a row filter reads only the row's own columns"
                    : $"it holds {token.Text.ToUpperInvariant()} {at}, which belongs to a statement, not to a condition on the row";
            if (!called) continue;
            var previous = MySqlTokenizer.PreviousSignificant(tokens, i);
            if (previous >= 0 && tokens[previous].IsSymbol("."))
                return $"it calls a function of a database or schema ({tokens[MySqlTokenizer.PreviousSignificant(tokens, previous)].Text}.{token.Text}) {at}; a row filter may call built-in functions only";
            var name = token.IdentifierValue.ToLowerInvariant();
            if (postgres
                    ? PostgresFunctions.Any(f => name.StartsWith(f, StringComparison.Ordinal)) || name.Contains("_to_xml", StringComparison.Ordinal)
                    : MySqlFunctions.Contains(name))
                return $"it calls {token.IdentifierValue}() {at}, which waits, locks, reads files or changes state on the source; a row filter may only compare the row's values";
        }
        if (significant == 0) return "it is empty";
        if (depth > 0) return "a parenthesis is opened and never closed";
        return null;
    }

    /// <summary>
    /// Every problem with a task's row filters, column selections and partitions, as (table, error id, message): a filter
    /// that is not one expression (InvalidRowFilterValue), an option keyed by a table the task's -Include and -Exclude do
    /// not select (RowFilterTableNotInTask, ColumnTableNotInTask, PartitionTableNotInTask), which would otherwise be
    /// ignored, or partitions of a PostgreSQL source (PartitionNotSupported), whose partitioned tables move whole.
    /// </summary>
    public static IEnumerable<(string Table, string ErrorId, string Message)> ProblemsOf(IReadOnlyList<string> include, IReadOnlyList<string> exclude,
        IReadOnlyDictionary<string, string> filters, IEnumerable<string> columnTables, bool postgres, IEnumerable<string>? partitionTables = null)
    {
        var mapper = new ObjectMapper(include, exclude);
        foreach (var (table, filter) in filters)
        {
            if (Problem(filter, postgres) is { } problem)
                yield return (table, "InvalidRowFilterValue", Describe(table, filter, problem));
            if (!Selects(mapper, table))
                yield return (table, "RowFilterTableNotInTask", NotInTask("-RowFilter", table, include, exclude));
        }
        foreach (var table in columnTables.Where(t => !Selects(mapper, t)))
            yield return (table, "ColumnTableNotInTask", NotInTask("-Column", table, include, exclude));
        foreach (var table in partitionTables ?? [])
        {
            if (postgres)
                yield return (table, "PartitionNotSupported",
                    $"-Partition names table '{table}', but the source is PostgreSQL, whose partitions are tables of their own that OmsSync migrates " +
                    "whole, through their partitioned parent. Leave -Partition out, and choose the rows with -RowFilter on the partition key instead " +
                    "(e.g. @{ 'public.orders' = 'created >= ''2025-01-01''' }).");
            else if (!Selects(mapper, table))
                yield return (table, "PartitionTableNotInTask", NotInTask("-Partition", table, include, exclude));
        }
    }

    /// <summary>Throws the first of <see cref="ProblemsOf"/> for the task.</summary>
    public static void EnsureValid(Model.MigrationTask task, bool postgres)
    {
        foreach (var (table, errorId, message) in ProblemsOf(task.Include, task.Exclude, task.RowFilters, task.Columns.Keys, postgres, task.Partitions.Keys))
            throw new OmsException(errorId, OmsErrorKind.InvalidArgument, table, message);
    }

    private static bool Selects(ObjectMapper mapper, string table)
    {
        var dot = table.IndexOf('.');
        return dot > 0 && mapper.IsSelected(new ObjectName(table[..dot], table[(dot + 1)..]));
    }

    private static string NotInTask(string parameter, string table, IReadOnlyList<string> include, IReadOnlyList<string> exclude) =>
        $"{parameter} names table '{table}', which the task does not migrate (-Include {string.Join(", ", include.Select(i => $"'{i}'"))}" +
        (exclude.Count > 0 ? $", -Exclude {string.Join(", ", exclude.Select(e => $"'{e}'"))}" : "") +
        $"), so it would have no effect. Correct the table's name, or add it to -Include.";

    /// <summary>The message for a refused filter.</summary>
    public static string Describe(string table, string filter, string problem) =>
        $"The row filter of '{table}' is not one condition on the table's columns: {problem}. Filter: {Shorten(filter)}. " +
        "Give a condition such as region = 'EU' AND created >= '2024-01-01' with Set-OmsTask -RowFilter.";

    /// <summary>PostgreSQL's ways to hide text or end a string that the MySQL tokenizer does not know.</summary>
    private static string? PostgresProblem(IReadOnlyList<MySqlToken> tokens, int i)
    {
        var token = tokens[i];
        // -- starts a comment in PostgreSQL even without a space after it.
        if (token.IsSymbol("-") && i + 1 < tokens.Count && tokens[i + 1].IsSymbol("-"))
            return "it holds a comment (--), which can hide text from this check; remove it";
        if (token.Kind == MySqlTokenKind.QuotedIdentifier)
            return "it holds a back-quoted name, which PostgreSQL does not know; quote names with double quotes";
        if (token.Kind == MySqlTokenKind.Word && token.Text.StartsWith('$'))
            return $"it holds a dollar-quoted string or a parameter ({Shorten(token.Text)}); write strings in single quotes";
        if (token.Kind == MySqlTokenKind.Word && token.Text is "E" or "e" && i + 1 < tokens.Count && tokens[i + 1].Kind == MySqlTokenKind.String)
            return "it holds an escape string (E'...'); write the value as a standard string in single quotes";
        return null;
    }

    /// <summary>Whether a quoted token ends with its closing quote (an unclosed one runs to the end of the text).</summary>
    private static bool IsClosed(string text, bool backslashEscapes)
    {
        var quote = text[0];
        for (var i = 1; i < text.Length; i++)
        {
            if (backslashEscapes && text[i] == '\\') { i++; continue; }
            if (text[i] != quote) continue;
            if (i + 1 < text.Length && text[i + 1] == quote) { i++; continue; }
            return i == text.Length - 1;
        }
        return false;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
