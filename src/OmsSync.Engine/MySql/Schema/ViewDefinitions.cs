using System.Text;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>A table or view name as a view definition refers to it.</summary>
public readonly record struct TableReference(string Database, string Name);

/// <summary>
/// Structural work on view definitions (SELECT text): finds the tables and views it names and rewrites
/// those names through renames. Works on tokens, so a string literal or a column that happens to contain
/// a table's name is left alone, and quoted names with spaces, dots or back-quotes are handled.
/// </summary>
public static class ViewDefinitions
{
    /// <summary>
    /// Rewrites every reference to a renamed table or view. <paramref name="rename"/> gets a source
    /// (database, table) and returns the target name, or null to leave the reference as written.
    /// References are `db`.`t`, `db`.`t`.`col`, `db`.`t`.*, `t`.`col` and a bare table after FROM or JOIN;
    /// unqualified ones are resolved in <paramref name="defaultDatabase"/>.
    /// </summary>
    /// <param name="renameRoutine">The same for stored functions and procedures called by a qualified name (`db`.`f`(...)).</param>
    /// <param name="home">The database a stored program is created in, where its unqualified names resolve: a bare name whose
    /// target lies there stays bare (and untouched when its name stays too). Null for a view, whose names resolve in the session's.</param>
    public static string Rewrite(string definition, string defaultDatabase, Func<TableReference, TableReference?> rename,
        Func<TableReference, TableReference?>? renameRoutine = null, string? home = null)
    {
        var tokens = MySqlTokenizer.Tokenize(definition);
        var replacements = new Dictionary<int, string>();
        foreach (var (database, routine) in renameRoutine is null ? [] : QualifiedCalls(tokens))
            if (renameRoutine!(new TableReference(tokens[database].IdentifierValue, tokens[routine].IdentifierValue)) is { } called)
            {
                replacements[database] = MySqlSyntax.QuoteIdentifier(called.Database);
                replacements[routine] = MySqlSyntax.QuoteIdentifier(called.Name);
            }
        foreach (var chain in Chains(tokens))
        {
            var p0 = tokens[chain.Parts[0]].IdentifierValue;
            if (chain.NamesDatabase || chain.Parts.Count == 2)
            {
                // db.table first; for an ambiguous two-part name, table.column only when db.table is not renamed.
                var p1 = tokens[chain.Parts[1]].IdentifierValue;
                if (rename(new TableReference(p0, p1)) is { } target)
                {
                    replacements[chain.Parts[0]] = MySqlSyntax.QuoteIdentifier(target.Database);
                    replacements[chain.Parts[1]] = MySqlSyntax.QuoteIdentifier(target.Name);
                    continue;
                }
                if (chain.NamesDatabase) continue;
            }
            if (rename(new TableReference(defaultDatabase, p0)) is { } renamed)
            {
                if (renamed.Database == home)
                {
                    if (renamed.Name != p0) replacements[chain.Parts[0]] = MySqlSyntax.QuoteIdentifier(renamed.Name);
                    continue;
                }
                // `t`.`col` and `t`.* keep naming the table alone; a bare table gets qualified, since
                // unqualified names in CREATE VIEW resolve in the session's database.
                replacements[chain.Parts[0]] = chain.Parts.Count == 1 && !chain.EndsWithStar
                    ? MySqlSyntax.QuoteQualified(renamed.Database, renamed.Name)
                    : MySqlSyntax.QuoteIdentifier(renamed.Name);
            }
        }
        if (replacements.Count == 0) return definition;
        var sb = new StringBuilder(definition.Length + 32);
        for (var i = 0; i < tokens.Count; i++)
            sb.Append(replacements.TryGetValue(i, out var text) ? text : tokens[i].Text);
        return sb.ToString();
    }

    /// <summary>
    /// The tables and views a definition may name (database-qualified; unqualified ones in
    /// <paramref name="defaultDatabase"/>). An ambiguous two-part name yields both readings.
    /// </summary>
    public static IReadOnlySet<TableReference> References(string definition, string defaultDatabase)
    {
        var tokens = MySqlTokenizer.Tokenize(definition);
        var found = new HashSet<TableReference>();
        foreach (var chain in Chains(tokens))
        {
            var p0 = tokens[chain.Parts[0]].IdentifierValue;
            if (chain.NamesDatabase || chain.Parts.Count == 2)
                found.Add(new TableReference(p0, tokens[chain.Parts[1]].IdentifierValue));
            if (!chain.NamesDatabase)
                found.Add(new TableReference(defaultDatabase, p0));
        }
        return found;
    }

    /// <summary>
    /// The views ordered so that each comes after the views it references (a view on a view is created
    /// after it). Views are otherwise kept in the given order; a cycle (impossible on a live server) keeps
    /// the remaining views in their given order.
    /// </summary>
    public static IReadOnlyList<ViewSchema> OrderByDependency(IEnumerable<ViewSchema> views)
    {
        var list = views.ToList();
        var byName = list.ToDictionary(v => new TableReference(v.Database, v.Name));
        var dependsOn = list.ToDictionary(v => v, v => References(v.Definition, v.Database)
            .Where(r => byName.ContainsKey(r) && r != new TableReference(v.Database, v.Name))
            .Select(r => byName[r]).ToList());
        var ordered = new List<ViewSchema>(list.Count);
        var state = new Dictionary<ViewSchema, int>(); // 1 visiting, 2 done
        void Visit(ViewSchema v)
        {
            if (state.TryGetValue(v, out var s)) return;
            state[v] = 1;
            foreach (var d in dependsOn[v]) Visit(d);
            state[v] = 2;
            ordered.Add(v);
        }
        foreach (var v in list) Visit(v);
        return ordered;
    }

    private sealed record Chain(List<int> Parts, bool EndsWithStar)
    {
        /// <summary>db.table.column or db.table.*: the first two parts are surely database and table.</summary>
        public bool NamesDatabase => Parts.Count >= 3 || Parts.Count == 2 && EndsWithStar;
    }

    private static readonly HashSet<string> TableKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "FROM", "JOIN", "STRAIGHT_JOIN", "UPDATE", "INTO", "TABLE",
    };

    /// <summary>Dotted identifier chains: `a`, `a`.`b`, `a`.`b`.`c`, `a`.*, with optional whitespace around dots.</summary>
    private static IEnumerable<Chain> Chains(IReadOnlyList<MySqlToken> tokens)
    {
        var i = 0;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            var before = MySqlTokenizer.PreviousSignificant(tokens, i);
            var afterTableKeyword = before >= 0 && tokens[before].Kind == MySqlTokenKind.Word && TableKeywords.Contains(tokens[before].Text);
            // INSERT INTO t(a, b) in a stored program's body names a table, not a function.
            if (!t.IsIdentifier || IsFunctionName(tokens, i) && !afterTableKeyword)
            {
                i++;
                continue;
            }
            if (before >= 0 && tokens[before].IsSymbol("."))
            {
                i++; // the tail of something that is not a chain start (e.g. after a number)
                continue;
            }
            var parts = new List<int> { i };
            var star = false;
            var j = i;
            while (true)
            {
                var dot = MySqlTokenizer.NextSignificant(tokens, j + 1);
                if (dot < 0 || !tokens[dot].IsSymbol(".")) break;
                var next = MySqlTokenizer.NextSignificant(tokens, dot + 1);
                if (next < 0) break;
                if (tokens[next].IsSymbol("*")) { star = true; j = next; break; }
                if (!tokens[next].IsIdentifier) break;
                parts.Add(next);
                j = next;
            }
            // A bare word that is a keyword is only a name when quoted or in a table position.
            if (parts.Count == 1 && !star && !afterTableKeyword)
            {
                i = j + 1;
                continue;
            }
            // `db`.`func`(...) is a stored function call, not a table.
            if (parts.Count == 2 && !star && IsFunctionName(tokens, parts[1]))
            {
                i = j + 1;
                continue;
            }
            yield return new Chain(parts, star);
            i = j + 1;
        }
    }

    /// <summary>The two name tokens of each `db`.`routine`( call.</summary>
    private static IEnumerable<(int Database, int Routine)> QualifiedCalls(IReadOnlyList<MySqlToken> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].IsIdentifier || !IsFunctionName(tokens, i)) continue;
            var dot = MySqlTokenizer.PreviousSignificant(tokens, i);
            if (dot < 0 || !tokens[dot].IsSymbol(".")) continue;
            var database = MySqlTokenizer.PreviousSignificant(tokens, dot);
            if (database >= 0 && tokens[database].IsIdentifier
                && (MySqlTokenizer.PreviousSignificant(tokens, database) is var before && (before < 0 || !tokens[before].IsSymbol("."))))
                yield return (database, i);
        }
    }

    private static bool IsFunctionName(IReadOnlyList<MySqlToken> tokens, int index)
    {
        var next = MySqlTokenizer.NextSignificant(tokens, index + 1);
        return tokens[index].IsIdentifier && next >= 0 && tokens[next].IsSymbol("(")
               && next == index + 1;
    }
}
