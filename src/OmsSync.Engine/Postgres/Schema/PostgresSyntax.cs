using System.Text;

namespace OmsSync.Engine.Postgres.Schema;

/// <summary>Quoting of identifiers and literals for PostgreSQL SQL text (standard_conforming_strings on).</summary>
public static class PostgresSyntax
{
    /// <summary>PostgreSQL truncates identifiers beyond NAMEDATALEN - 1 bytes.</summary>
    public const int MaxIdentifierBytes = 63;

    /// <summary>"name", with embedded double quotes doubled: case, spaces and reserved words are kept as they are.</summary>
    public static string QuoteIdentifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "\"" + name.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>"schema"."name".</summary>
    public static string QuoteQualified(string schema, string name) => QuoteIdentifier(schema) + "." + QuoteIdentifier(name);

    /// <summary>'text' with quotes doubled; backslashes are ordinary characters. PostgreSQL text cannot hold NUL.</summary>
    public static string QuoteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AppendString(new StringBuilder(value.Length + 2), value).ToString();
    }

    public static StringBuilder AppendString(StringBuilder sql, string value)
    {
        if (value.Contains('\0'))
            throw new FormatException("PostgreSQL text cannot contain the NUL character (0x00).");
        sql.Append('\'');
        foreach (var c in value)
        {
            if (c == '\'') sql.Append('\'');
            sql.Append(c);
        }
        return sql.Append('\'');
    }

    /// <summary>
    /// A value's text as its type's output function writes it (and pgoutput sends it), NULL kept: unlike ::text, which
    /// for inet is a function of its own that adds the netmask ('::1' as '::1/128'). num_nulls tells a NULL from a
    /// composite value whose fields are all NULL, which IS NULL does not.
    /// </summary>
    public static string OutputText(string operand) => $"CASE WHEN num_nulls({operand}) = 1 THEN NULL ELSE format('%s', {operand}) END";

    /// <summary>True when the name fits PostgreSQL's identifier length (63 bytes of UTF-8).</summary>
    public static bool FitsIdentifier(string name) => Encoding.UTF8.GetByteCount(name) <= MaxIdentifierBytes;

    /// <summary>
    /// A name made of parts that fits 63 bytes: when the joined name is too long it is cut and ended with a
    /// short hash of the whole, so different long names stay different (index and type names are per schema).
    /// </summary>
    public static string DerivedName(params string[] parts)
    {
        var name = string.Join("_", parts);
        if (FitsIdentifier(name)) return name;
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8].ToLowerInvariant();
        var cut = name;
        while (Encoding.UTF8.GetByteCount(cut) > MaxIdentifierBytes - 9)
            cut = cut[..^1];
        if (cut.Length > 0 && char.IsHighSurrogate(cut[^1])) cut = cut[..^1];
        return cut + "_" + hash;
    }
}
