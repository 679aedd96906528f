using System.Globalization;
using System.Text;
using MySqlConnector;
using Npgsql;
using NpgsqlTypes;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Connections;

/// <summary>
/// Runs a statement that carries text a user wrote (a row filter) so that the server takes exactly one statement from
/// it, whatever the text holds. MySQL clients may send several statements in one query, and MySqlConnector always
/// may; so the statement goes to the server as a string literal to PREPARE, which parses one statement or fails.
/// Npgsql sends a command with positional parameters as one extended-protocol statement, which PostgreSQL refuses to
/// hold more than one statement.
/// </summary>
public static class SingleStatement
{
    private const string StatementParameter = "@oms_single_statement";

    /// <summary>
    /// The command to run in place of <paramref name="command"/>: the same command when it carries no user text, else
    /// one that PREPAREs its text (its parameters written in as literals), EXECUTEs it and deallocates it. The result
    /// sets are the statement's own.
    /// </summary>
    public static MySqlCommand For(MySqlCommand command, bool carriesUserText)
    {
        if (!carriesUserText) return command;
        var prepared = new MySqlCommand(
            $"PREPARE oms_single FROM {StatementParameter}; EXECUTE oms_single; DEALLOCATE PREPARE oms_single", command.Connection, command.Transaction)
        {
            CommandTimeout = command.CommandTimeout,
        };
        prepared.Parameters.AddWithValue(StatementParameter, Inline(command));
        return prepared;
    }

    /// <summary>Makes Npgsql send the command as one statement: it gets a positional parameter if it has none.</summary>
    public static NpgsqlCommand For(NpgsqlCommand command)
    {
        if (command.Parameters.Count == 0)
            command.Parameters.Add(new NpgsqlParameter { Value = 0, NpgsqlDbType = NpgsqlDbType.Integer });
        return command;
    }

    /// <summary>The command's text with each of its parameters written as the literal MySqlConnector would send.</summary>
    internal static string Inline(MySqlCommand command)
    {
        if (command.Parameters.Count == 0) return command.CommandText;
        var sql = new StringBuilder(command.CommandText.Length + 64);
        foreach (var token in MySqlTokenizer.Tokenize(command.CommandText))
        {
            if (token.Kind == MySqlTokenKind.Variable && command.Parameters.Contains(token.Text))
                AppendLiteral(sql, command.Parameters[token.Text].Value);
            else
                sql.Append(token.Text);
        }
        return sql.ToString();
    }

    private static void AppendLiteral(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null or DBNull: sql.Append("NULL"); break;
            case string s: sql.Append(MySqlSyntax.QuoteString(s)); break;
            case byte[] bytes: sql.Append("X'").Append(Convert.ToHexString(bytes)).Append('\''); break;
            case bool b: sql.Append(b ? "TRUE" : "FALSE"); break;
            case double d: sql.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case float f: sql.Append(((double)f).ToString("R", CultureInfo.InvariantCulture)); break;
            case DateTime t: sql.Append(MySqlSyntax.QuoteString(t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture))); break;
            case sbyte or byte or short or ushort or int or uint or long or ulong or decimal:
                sql.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            default:
                throw new NotSupportedException($"A parameter of type {value.GetType().Name} cannot be written into a prepared statement's text.");
        }
    }
}
