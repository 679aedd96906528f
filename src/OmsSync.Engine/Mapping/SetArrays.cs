using System.Text;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Binlog.Rows;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// A MySQL SET value as a PostgreSQL text[] and back. MySQL writes a SET as its members joined by commas, in the SET's
/// order, each once (a member never holds a comma); PostgreSQL holds the same members as an array, in the same order,
/// the empty set as '{}'. An array that is not such a list (a member the SET lacks, one repeated or out of the SET's
/// order, NULL, more than one dimension) has no SET value that reads back as it: it is refused, never reordered.
/// </summary>
public static class SetArrays
{
    /// <summary>The members of a SET's text: "a,b" gives a and b, "" none.</summary>
    public static string[] Members(string commaList) => commaList.Length == 0 ? [] : commaList.Split(',');

    /// <summary>The text[] input of a SET's text: "a,b" gives {"a","b"}, "" gives {}.</summary>
    public static string ArrayLiteral(string commaList)
    {
        var sb = new StringBuilder("{");
        foreach (var member in Members(commaList))
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append('"');
            foreach (var c in member)
            {
                if (c is '"' or '\\') sb.Append('\\');
                sb.Append(c);
            }
            sb.Append('"');
        }
        return sb.Append('}').ToString();
    }

    /// <summary>
    /// The elements of a one-dimensional array in PostgreSQL's text output ({a,"b c",NULL}), null for NULL;
    /// a leading [lower:upper]= is skipped. Throws <see cref="FormatException"/> for nested arrays.
    /// </summary>
    public static List<string?> Parse(string text)
    {
        try
        {
            return Elements(text);
        }
        catch (IndexOutOfRangeException)
        {
            throw new FormatException("it is not an array.");
        }
    }

    private static List<string?> Elements(string text)
    {
        var start = text.IndexOf('{');
        if (start < 0 || !text.EndsWith('}')) throw new FormatException("it is not an array.");
        var elements = new List<string?>();
        var i = start + 1;
        if (text[i] == '}') return elements;
        while (true)
        {
            if (text[i] == '{') throw new FormatException("it has more than one dimension.");
            var element = new StringBuilder();
            string? value;
            if (text[i] == '"')
            {
                for (i++; text[i] != '"'; i++)
                    element.Append(text[i] == '\\' ? text[++i] : text[i]);
                i++;
                value = element.ToString();
            }
            else
            {
                for (; text[i] is not (',' or '}'); i++) element.Append(text[i]);
                value = element.ToString();
                if (value.Equals("NULL", StringComparison.OrdinalIgnoreCase)) value = null; // an unquoted NULL is the null element
            }
            elements.Add(value);
            if (text[i] == '}') return elements;
            i++; // the comma
        }
    }

    /// <summary>
    /// The MySQL SET text of a text[] value of <paramref name="pg"/> for the SET column <paramref name="mysql"/>, or a
    /// refusal naming table, column and value when no SET value reads back as the array.
    /// </summary>
    internal static Func<string, string> ToSet(string table, ColumnSchema pg, ColumnSchema mysql)
    {
        var members = (RowColumn.ParseEnumValues(mysql.ColumnType) ?? []).ToList();
        return text =>
        {
            List<string?> elements;
            try
            {
                elements = Parse(text);
            }
            catch (FormatException e)
            {
                throw NotRepresentable.InMySql(table, pg.Name, text, mysql.ColumnType, e.Message);
            }
            var last = -1;
            foreach (var element in elements)
            {
                // Members match exactly: MySQL would store 'A' as the member 'a' and drop an unknown one without a word.
                var index = element is null ? -1 : members.IndexOf(element);
                if (index < 0)
                    throw NotRepresentable.InMySql(table, pg.Name, text, mysql.ColumnType,
                        element is null ? "a SET has no NULL member." : $"'{element}' is not a member of the SET.");
                if (index <= last)
                    throw NotRepresentable.InMySql(table, pg.Name, text, mysql.ColumnType,
                        "a SET holds each member once, in the SET's order, and reads back so; write the members that way.");
                last = index;
            }
            return string.Join(",", elements);
        };
    }
}
