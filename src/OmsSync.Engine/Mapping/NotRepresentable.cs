using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// The refusal of a value the receiving column cannot hold: ValueNotRepresentable, naming table, column and value. The
/// converters that refuse see one value; the place that reads the whole row (a copy's row, a change's image) adds the
/// row's key to the refusal once for all of them (<see cref="WithKey"/>).
/// </summary>
internal static class NotRepresentable
{
    // Where in the message the row's key goes (after "Table t, column c"), kept with the exception until a key is added.
    private const string KeyPlace = "OmsSync.KeyPlace";

    public static OmsException InMySql(string table, string column, string value, string mysqlType, string why) =>
        Refused(table, column, value, $"MySQL's {mysqlType}", why, "Change the value on the source, or leave the column out with -Column.");

    public static OmsException InPostgres(string table, string column, string value, string postgresType, string why,
        string advice = "Change the value on the source, or leave the column out with -Column.") =>
        Refused(table, column, value, $"PostgreSQL's {postgresType}", why, advice);

    private static OmsException Refused(string table, string column, string value, string type, string why, string advice)
    {
        var named = $"Table {table}, column {column}";
        var error = new OmsException("ValueNotRepresentable", OmsErrorKind.DataError, table,
            $"{named}: the value '{Shortened(value)}' cannot be stored in {type}: {why.TrimEnd('.')}. {advice}");
        error.Data[KeyPlace] = named.Length;
        return error;
    }

    /// <summary>True for a refusal that does not name its row's key yet.</summary>
    public static bool LacksKey(OmsException error) => error.Data[KeyPlace] is int;

    /// <summary>The refusal naming its row's <paramref name="key"/> (<see cref="Key"/>); as it is without a key (a keyless table).</summary>
    public static OmsException WithKey(OmsException error, string? key)
    {
        if (key is null || error.Data[KeyPlace] is not int place) return error;
        return new OmsException(error.ErrorId, error.Kind, error.Target, error.Message.Insert(place, ", row with key " + key));
    }

    /// <summary>A row's key as a refusal names it: (a = 1, b = x), NULL for a null value.</summary>
    public static string Key(IEnumerable<(string Name, string? Value)> columns) =>
        "(" + string.Join(", ", columns.Select(c => $"{c.Name} = {(c.Value is null ? "NULL" : Shortened(c.Value))}")) + ")";

    private static string Shortened(string value) => value.Length > 80 ? value[..80] + "..." : value;
}
