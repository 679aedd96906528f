using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Mapping;

/// <summary>The refusal of a value the receiving column cannot hold: ValueNotRepresentable, naming table, column and value.</summary>
internal static class NotRepresentable
{
    public static OmsException InMySql(string table, string column, string value, string mysqlType, string why) =>
        Refused(table, column, value, $"MySQL's {mysqlType}", why);

    public static OmsException InPostgres(string table, string column, string value, string postgresType, string why) =>
        Refused(table, column, value, $"PostgreSQL's {postgresType}", why);

    private static OmsException Refused(string table, string column, string value, string type, string why) =>
        new("ValueNotRepresentable", OmsErrorKind.DataError, table,
            $"Table {table}, column {column}: the value '{(value.Length > 80 ? value[..80] + "..." : value)}' cannot be stored in {type}: " +
            $"{why.TrimEnd('.')}. Change the value on the source, or leave the column out with -Column.");
}
