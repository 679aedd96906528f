using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// The reverse of <see cref="MySqlValueText"/> where PostgreSQL's input does not read MySQL's text as it is: a JSON array
/// written into an array column becomes PostgreSQL's array text, a JSON object written into an hstore column hstore's.
/// Types carried as their text go back through the type's own input unchanged. A value the column cannot hold as it
/// is (a JSON value that is not an array of the column's elements, or not rectangular) is refused naming table,
/// column and value.
/// </summary>
internal static class PostgresInputText
{
    /// <summary>The conversion into <paramref name="pg"/>'s input, or null where the text goes as it is.</summary>
    /// <param name="table">The PostgreSQL table, for errors.</param>
    public static Func<string, string>? For(string table, ColumnSchema pg)
    {
        Func<string, string>? convert = pg.DataType switch
        {
            "array" => json => PostgresArrayJson.FromJson(json, PostgresArrayJson.ElementType(pg)),
            "hstore" => HstoreJson.FromJson,
            _ => null,
        };
        if (convert is null) return null;
        return value =>
        {
            try
            {
                return convert(value);
            }
            catch (FormatException e)
            {
                throw NotRepresentable.InPostgres(table, pg.Name, value, pg.ColumnType, e.Message, "Change the value on MySQL to what the column holds.");
            }
        };
    }
}
