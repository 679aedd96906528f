using System.Text;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Objects;

namespace OmsSync.Engine.MySql.Objects;

/// <summary>
/// The CREATE statements of stored programs for a MySQL-family target, from the source's own text: the DEFINER clause
/// kept or dropped (the creating user becomes the definer), OR REPLACE added, an event's status set, and the tables a
/// body names renamed as the task renames them. Edits work on tokens, so a body's strings and comments are left alone.
/// </summary>
public static class ProgramText
{
    /// <summary>SHOW CREATE PROCEDURE/FUNCTION/EVENT's statement made ready for the target.</summary>
    /// <param name="eventStatus">ENABLE, DISABLE or DISABLE ON SLAVE for an event; null keeps the source's.</param>
    /// <param name="rename">Tables, views and sequences under their target names; <paramref name="renameRoutine"/> the routines a body calls.</param>
    /// <param name="targetDatabase">Where the program is created: its bare names resolve there, and stay bare.</param>
    public static string Create(string statement, string database, bool keepDefiner, bool orReplace, string? eventStatus, Func<TableReference, TableReference?>? rename,
        Func<TableReference, TableReference?>? renameRoutine = null, string? targetDatabase = null)
    {
        var text = keepDefiner ? statement : WithoutDefiner(statement);
        if (orReplace) text = WithOrReplace(text);
        if (eventStatus is not null) text = WithEventStatus(text, eventStatus);
        return rename is null ? text : ViewDefinitions.Rewrite(text, database, rename, renameRoutine, targetDatabase ?? database);
    }

    /// <summary>CREATE TRIGGER on the table's target name, built from information_schema.TRIGGERS' parts.</summary>
    public static string CreateTrigger(TriggerDefinition trigger, string targetDatabase, string targetTable, bool keepDefiner, bool orReplace,
        Func<TableReference, TableReference?>? rename, Func<TableReference, TableReference?>? renameRoutine = null)
    {
        var sb = new StringBuilder("CREATE ");
        if (orReplace) sb.Append("OR REPLACE ");
        if (keepDefiner) sb.Append("DEFINER=").Append(Definer(trigger.Session)).Append(' ');
        sb.Append("TRIGGER ").Append(MySqlSyntax.QuoteQualified(targetDatabase, trigger.Name)).Append(' ')
          .Append(trigger.Timing).Append(' ').Append(trigger.Event).Append(" ON ").Append(MySqlSyntax.QuoteQualified(targetDatabase, targetTable))
          .Append(" FOR EACH ROW ")
          .Append(rename is null ? trigger.Body : ViewDefinitions.Rewrite(trigger.Body, trigger.Database, rename, renameRoutine, targetDatabase));
        return sb.ToString();
    }

    /// <summary>`user`@`host` (a role: `role`).</summary>
    public static string Definer(ProgramSession session)
    {
        var (user, host) = session.DefinerParts;
        return MySqlSyntax.QuoteIdentifier(user) + (host is null ? "" : "@" + MySqlSyntax.QuoteIdentifier(host));
    }

    /// <summary>The statement without its DEFINER = ... clause.</summary>
    public static string WithoutDefiner(string statement)
    {
        var tokens = MySqlTokenizer.Tokenize(statement);
        var at = AfterCreate(tokens);
        if (at < 0 || !tokens[at].IsWord("DEFINER")) return statement;
        var equals = MySqlTokenizer.NextSignificant(tokens, at + 1);
        var user = equals < 0 ? -1 : MySqlTokenizer.NextSignificant(tokens, equals + 1);
        if (user < 0) return statement;
        var end = user + 1;
        if (tokens[user].IsWord("CURRENT_USER") && end + 1 < tokens.Count && tokens[end].IsSymbol("(") && tokens[end + 1].IsSymbol(")")) end += 2;
        else if (end < tokens.Count && tokens[end].Kind == MySqlTokenKind.Variable && tokens[end].Text.StartsWith('@')) end++;
        while (end < tokens.Count && tokens[end].Kind == MySqlTokenKind.Whitespace) end++;
        return statement[..tokens[at].Offset] + (end < tokens.Count ? statement[tokens[end].Offset..] : "");
    }

    /// <summary>CREATE OR REPLACE ... (MariaDB), unless it says so already.</summary>
    public static string WithOrReplace(string statement)
    {
        var tokens = MySqlTokenizer.Tokenize(statement);
        var create = MySqlTokenizer.NextSignificant(tokens, 0);
        if (create < 0 || !tokens[create].IsWord("CREATE")) return statement;
        var next = MySqlTokenizer.NextSignificant(tokens, create + 1);
        if (next >= 0 && tokens[next].IsWord("OR")) return statement;
        var end = tokens[create].Offset + tokens[create].Text.Length;
        return statement[..end] + " OR REPLACE" + statement[end..];
    }

    /// <summary>An event's ENABLE / DISABLE [ON SLAVE] clause (the last one before DO) replaced, or added before DO.</summary>
    public static string WithEventStatus(string statement, string status)
    {
        var tokens = MySqlTokenizer.Tokenize(statement);
        var doAt = -1;
        for (var i = 0; i < tokens.Count && doAt < 0; i++)
            if (tokens[i].IsWord("DO")) doAt = i;
        if (doAt < 0) return statement;
        for (var i = doAt - 1; i >= 0; i--)
        {
            if (!tokens[i].IsWord("ENABLE") && !tokens[i].IsWord("DISABLE")) continue;
            var end = i + 1;
            var on = MySqlTokenizer.NextSignificant(tokens, end);
            if (tokens[i].IsWord("DISABLE") && on >= 0 && on < doAt && tokens[on].IsWord("ON"))
            {
                var slave = MySqlTokenizer.NextSignificant(tokens, on + 1);
                if (slave >= 0 && (tokens[slave].IsWord("SLAVE") || tokens[slave].IsWord("REPLICA"))) end = slave + 1;
            }
            var endOffset = end < tokens.Count ? tokens[end].Offset : statement.Length;
            return statement[..tokens[i].Offset] + status + statement[endOffset..];
        }
        return statement[..tokens[doAt].Offset] + status + " " + statement[tokens[doAt].Offset..];
    }

    /// <summary>The first significant token after CREATE [OR REPLACE].</summary>
    private static int AfterCreate(IReadOnlyList<MySqlToken> tokens)
    {
        var i = MySqlTokenizer.NextSignificant(tokens, 0);
        if (i < 0 || !tokens[i].IsWord("CREATE")) return -1;
        i = MySqlTokenizer.NextSignificant(tokens, i + 1);
        if (i >= 0 && tokens[i].IsWord("OR"))
        {
            i = MySqlTokenizer.NextSignificant(tokens, i + 1); // REPLACE
            i = i < 0 ? -1 : MySqlTokenizer.NextSignificant(tokens, i + 1);
        }
        return i;
    }
}
