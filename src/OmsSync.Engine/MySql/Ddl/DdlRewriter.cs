using System.Text;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>
/// Rewrites a parsed DDL statement for another server: table names replaced (each by the name the caller
/// gives, e.g. the target name under the task's renames) and clauses left out (e.g. a column the task does
/// not move, a foreign key, a table of RENAME TABLE outside the task). Everything else is kept to the
/// character, comments and spacing included.
/// </summary>
public static class DdlRewriter
{
    /// <summary>
    /// The rewritten text, or null when the statement is left with no clause (an ALTER TABLE whose every
    /// specification was left out, a RENAME TABLE or DROP TABLE without tables).
    /// </summary>
    /// <param name="name">The replacement text of a table name (already quoted), or null to keep it as written.</param>
    /// <param name="keep">Whether a clause stays; null keeps all.</param>
    public static string? Rewrite(DdlStatement statement, Func<DdlTableName, string?> name, Func<DdlClause, bool>? keep = null)
    {
        var tokens = statement.Tokens;
        var removed = new bool[tokens.Count];
        var listClauses = statement.Clauses.Where(c => c.First <= c.Last).ToList();
        var kept = listClauses.Where(c => keep?.Invoke(c) ?? true).ToList();
        if (listClauses.Count > 0 && kept.Count == 0 && statement.Kind is DdlKind.AlterTable or DdlKind.RenameTable or DdlKind.DropTable)
            return null;
        if (statement.Clauses.Any(c => c.First > c.Last && !(keep?.Invoke(c) ?? true)))
            return null; // CREATE/DROP INDEX: the statement is its one clause
        foreach (var clause in listClauses.Except(kept))
        {
            for (var i = clause.First; i <= clause.Last; i++) removed[i] = true;
            if (clause.Separator >= 0) removed[clause.Separator] = true;
        }
        // The first clause kept loses the comma before it when the clauses before it all went.
        if (kept.Count > 0 && kept[0].Separator >= 0 && listClauses.TakeWhile(c => c != kept[0]).All(c => !kept.Contains(c)))
            removed[kept[0].Separator] = true;

        var replacements = new Dictionary<int, (int Last, string Text)>();
        foreach (var table in statement.Tables)
            if (!removed[table.First] && name(table) is { } text)
                replacements[table.First] = (table.Last, text);

        var sb = new StringBuilder(statement.Text.Length + 32);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (replacements.TryGetValue(i, out var replacement))
            {
                sb.Append(replacement.Text);
                i = replacement.Last;
                continue;
            }
            if (removed[i])
            {
                // Trivia between two removed tokens goes with them; elsewhere it stays, without doubling a space.
                while (i + 1 < tokens.Count && tokens[i + 1].IsTrivia && NextSignificantRemoved(tokens, removed, i + 1)) i++;
                if (i + 1 < tokens.Count && tokens[i + 1].Kind == MySqlTokenKind.Whitespace && sb.Length > 0 && char.IsWhiteSpace(sb[^1])) i++;
                continue;
            }
            sb.Append(tokens[i].Text);
        }
        return sb.ToString();
    }

    private static bool NextSignificantRemoved(IReadOnlyList<MySqlToken> tokens, bool[] removed, int from)
    {
        var next = MySqlTokenizer.NextSignificant(tokens, from);
        return next >= 0 && removed[next];
    }
}
