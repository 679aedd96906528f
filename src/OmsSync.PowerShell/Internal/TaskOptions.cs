using System.Collections;
using System.Management.Automation;

namespace OmsSync.PowerShell.Internal;

/// <summary>
/// Reads and checks the object options of New-OmsTask and Set-OmsTask (-Include, -Exclude, -Rename,
/// -RowFilter, -Column). Every problem becomes an ErrorRecord naming the parameter and the fix; the
/// caller stores nothing unless the list of errors is empty.
/// </summary>
internal sealed class TaskOptions
{
    private readonly List<ErrorRecord> _errors = [];
    private readonly string _task;

    public TaskOptions(string task) => _task = task;

    public IReadOnlyList<ErrorRecord> Errors => _errors;

    public void Add(ErrorRecord error) => _errors.Add(error);

    public void Fail(string errorId, string parameter, string message) =>
        _errors.Add(OmsErrors.InvalidArgument(errorId, parameter, _task, message));

    /// <summary>Object patterns: `db.table`, wildcards allowed in either part (`shop.*`, `sales_*.order?`), a part in back-quotes literal.</summary>
    public IReadOnlyList<string> Patterns(string parameter, string[]? values)
    {
        var list = new List<string>();
        foreach (var raw in values ?? [])
        {
            var value = raw?.Trim() ?? "";
            if (!Engine.Rules.ObjectPattern.IsTableRule(value))
                Fail($"Invalid{parameter}Pattern", parameter,
                    $"-{parameter} '{raw}' is not of the form 'database.table'. Name the table with its database, e.g. 'shop.orders', or all of a database's tables with 'shop.*'; " +
                    "back-quote a name that holds a dot, a wildcard or a back-quote (doubled inside), e.g. '`my.db`.*'.");
            else
                list.Add(value);
        }
        return list;
    }

    /// <summary>-Rename: keys `db` (the database is renamed) or `db.table` (the table is), values the new names.</summary>
    public Dictionary<string, string> Renames(Hashtable? table)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(table))
        {
            var isTable = key.Contains('.');
            if (!WellFormedKey(key, allowDatabase: true))
            {
                Fail("InvalidRenameKey", "Rename", $"-Rename key '{key}' is neither 'database' nor 'database.table'. Write @{{ 'shop' = 'shop_dr' }} to rename a database or @{{ 'shop.orders' = 'orders_2024' }} for a table.");
                continue;
            }
            var name = Text(value);
            var parts = name?.Split('.') ?? [];
            var valid = name is not null && parts.All(p => p.Length > 0 && p.Trim() == p) && (isTable ? parts.Length <= 2 : parts.Length == 1);
            if (!valid || NameFilter.HasWildcard(name!))
            {
                Fail("InvalidRenameValue", "Rename", isTable
                    ? $"-Rename '{key}' maps to '{name}'; give the target table name ('orders_2024') or 'database.table'."
                    : $"-Rename '{key}' maps to '{name}'; give the target database name, without dots or wildcards.");
                continue;
            }
            result[key] = name!;
        }
        return result;
    }

    /// <summary>-RowFilter: keys `db.table`, values a WHERE condition evaluated on the source.</summary>
    public Dictionary<string, string> RowFilters(Hashtable? table)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(table))
        {
            if (!WellFormedKey(key, allowDatabase: false))
            {
                Fail("InvalidRowFilterKey", "RowFilter", $"-RowFilter key '{key}' is not 'database.table'. Write @{{ 'shop.orders' = 'created >= ''2024-01-01''' }}.");
                continue;
            }
            var condition = Text(value)?.Trim();
            if (string.IsNullOrEmpty(condition))
            {
                Fail("InvalidRowFilterValue", "RowFilter", $"-RowFilter '{key}' has an empty condition. Give a WHERE condition such as 'region = ''EU''', or leave the table out.");
                continue;
            }
            result[key] = condition;
        }
        return result;
    }

    /// <summary>
    /// Each row filter is one condition on its table's columns (no statement separator, subquery, comment or variable),
    /// and every -RowFilter and -Column key is a table the task's -Include and -Exclude select.
    /// </summary>
    public void CheckTables(IReadOnlyList<string> include, IReadOnlyList<string> exclude, IReadOnlyDictionary<string, string> filters,
        IReadOnlyDictionary<string, IReadOnlyList<string>> columns, bool postgresSource)
    {
        if (include.Count == 0) return; // the rules are wrong already: said elsewhere
        foreach (var (_, errorId, message) in Engine.Rules.RowFilterCheck.ProblemsOf(include, exclude, filters, columns.Keys, postgresSource))
            Fail(errorId, errorId.StartsWith("Column", StringComparison.Ordinal) ? "Column" : "RowFilter", message);
    }

    /// <summary>-Column: keys `db.table`, values the columns to migrate as string[] or a comma-separated string.</summary>
    public Dictionary<string, IReadOnlyList<string>> Columns(Hashtable? table)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(table))
        {
            if (!WellFormedKey(key, allowDatabase: false))
            {
                Fail("InvalidColumnKey", "Column", $"-Column key '{key}' is not 'database.table'. Write @{{ 'shop.orders' = 'id', 'total' }}.");
                continue;
            }
            var columns = ColumnList(value);
            if (columns.Count == 0)
            {
                Fail("InvalidColumnValue", "Column", $"-Column '{key}' lists no columns. Give the columns to migrate ('id','total' or 'id,total'), or leave the table out to migrate every column.");
                continue;
            }
            var duplicate = columns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                Fail("InvalidColumnValue", "Column", $"-Column '{key}' names column '{duplicate.Key}' more than once. List each column once.");
                continue;
            }
            result[key] = columns;
        }
        return result;
    }

    private static List<string> ColumnList(object? value)
    {
        var raw = PSObject.AsPSObject(value ?? "").BaseObject;
        IEnumerable<object?> items = raw is string or null ? [raw] : raw is IEnumerable e ? e.Cast<object?>() : [raw];
        return items.SelectMany(i => (Text(i) ?? "").Split(','))
            .Select(c => c.Trim())
            .Where(c => c.Length > 0)
            .ToList();
    }

    private IEnumerable<(string Key, object? Value)> Entries(Hashtable? table)
    {
        if (table is null) yield break;
        foreach (DictionaryEntry entry in table)
            yield return ((Text(entry.Key) ?? "").Trim(), entry.Value);
    }

    private static bool WellFormedKey(string key, bool allowDatabase)
    {
        var parts = key.Split('.');
        if (parts.Any(p => p.Length == 0) || NameFilter.HasWildcard(key)) return false;
        return parts.Length == 2 || (allowDatabase && parts.Length == 1);
    }

    private static string? Text(object? value) =>
        value is null ? null : PSObject.AsPSObject(value).BaseObject is string s ? s : LanguagePrimitives.ConvertTo<string>(value);
}
