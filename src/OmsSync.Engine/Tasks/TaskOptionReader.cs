using System.Collections;
using System.Globalization;
using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// Reads and checks a task's object options (-Include, -Exclude, -Rename, -RowFilter, -Column, -Partition) as the user gave
/// them: text, lists and maps. Every problem is kept with the parameter and the fix in its message; the caller
/// stores nothing unless <see cref="Problems"/> is empty.
/// </summary>
internal sealed class TaskOptionReader
{
    private static readonly char[] Wildcards = ['*', '?', '[', ']'];
    private readonly List<OmsException> _problems = [];
    private readonly string _task;

    public TaskOptionReader(string task) => _task = task;

    public IReadOnlyList<OmsException> Problems => _problems;

    public void Add(OmsException problem) => _problems.Add(problem);

    public void Fail(string errorId, string message) =>
        _problems.Add(new OmsException(errorId, OmsErrorKind.InvalidArgument, _task, message));

    /// <summary>Throws every problem found, at once.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count == 1) throw _problems[0];
        if (_problems.Count > 1) throw new InvalidOptionsException(_task, _problems);
    }

    public static bool HasWildcard(string name) => name.IndexOfAny(Wildcards) >= 0;

    /// <summary>Object patterns: `db.table`, wildcards allowed in either part (`shop.*`, `sales_*.order?`), a part in back-quotes literal.</summary>
    public List<string> Patterns(string parameter, IEnumerable<string?>? values)
    {
        var list = new List<string>();
        foreach (var raw in values ?? [])
        {
            var value = raw?.Trim() ?? "";
            if (!Rules.ObjectPattern.IsTableRule(value))
                Fail($"Invalid{parameter}Pattern",
                    $"-{parameter} '{raw}' is not of the form 'database.table'. Name the table with its database, e.g. 'shop.orders', or all of a database's tables with 'shop.*'; " +
                    "back-quote a name that holds a dot, a wildcard or a back-quote (doubled inside), e.g. '`my.db`.*'.");
            else
                list.Add(value);
        }
        return list;
    }

    /// <summary>
    /// Each row filter is one condition on its table's columns (no statement separator, subquery, comment or variable),
    /// and every -RowFilter, -Column and -Partition key is a table the task's -Include and -Exclude select.
    /// </summary>
    public void CheckTables(IReadOnlyList<string> include, IReadOnlyList<string> exclude, IReadOnlyDictionary<string, string> filters,
        IEnumerable<string> columnTables, bool postgresSource, IEnumerable<string>? partitionTables = null)
    {
        if (include.Count == 0) return; // the rules are wrong already: said elsewhere
        foreach (var (_, errorId, message) in Rules.RowFilterCheck.ProblemsOf(include, exclude, filters, columnTables, postgresSource, partitionTables))
            Fail(errorId, message);
    }

    /// <summary>-Rename: keys `db` (the database is renamed) or `db.table` (the table is), values the new names.</summary>
    public Dictionary<string, string> Renames(IReadOnlyDictionary<string, object?>? map)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(map))
        {
            var isTable = key.Contains('.');
            if (!WellFormedKey(key, allowDatabase: true))
            {
                Fail("InvalidRenameKey", $"-Rename key '{key}' is neither 'database' nor 'database.table'. Write @{{ 'shop' = 'shop_dr' }} to rename a database or @{{ 'shop.orders' = 'orders_2024' }} for a table.");
                continue;
            }
            var name = Text(value);
            var parts = name?.Split('.') ?? [];
            var valid = name is not null && parts.All(p => p.Length > 0 && p.Trim() == p) && (isTable ? parts.Length <= 2 : parts.Length == 1);
            if (!valid || HasWildcard(name!))
            {
                Fail("InvalidRenameValue", isTable
                    ? $"-Rename '{key}' maps to '{name}'; give the target table name ('orders_2024') or 'database.table'."
                    : $"-Rename '{key}' maps to '{name}'; give the target database name, without dots or wildcards.");
                continue;
            }
            result[key] = name!;
        }
        return result;
    }

    /// <summary>-RowFilter: keys `db.table`, values a WHERE condition evaluated on the source.</summary>
    public Dictionary<string, string> RowFilters(IReadOnlyDictionary<string, object?>? map)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(map))
        {
            if (!WellFormedKey(key, allowDatabase: false))
            {
                Fail("InvalidRowFilterKey", $"-RowFilter key '{key}' is not 'database.table'. Write @{{ 'shop.orders' = 'created >= ''2024-01-01''' }}.");
                continue;
            }
            var condition = Text(value)?.Trim();
            if (string.IsNullOrEmpty(condition))
            {
                Fail("InvalidRowFilterValue", $"-RowFilter '{key}' has an empty condition. Give a WHERE condition such as 'region = ''EU''', or leave the table out.");
                continue;
            }
            result[key] = condition;
        }
        return result;
    }

    /// <summary>-Column: keys `db.table`, values the columns to migrate as a list or a comma-separated text.</summary>
    public Dictionary<string, IReadOnlyList<string>> Columns(IReadOnlyDictionary<string, object?>? map) =>
        NameLists(map, "Column", "column", "@{ 'shop.orders' = 'id', 'total' }",
            "Give the columns to migrate ('id','total' or 'id,total'), or leave the table out to migrate every column.");

    /// <summary>
    /// -Partition: keys `db.table`, values the partitions (or subpartitions) whose rows the full migration copies, as a list
    /// or a comma-separated text. Whether the table has them is for the pre-check to see on the source.
    /// </summary>
    public Dictionary<string, IReadOnlyList<string>> Partitions(IReadOnlyDictionary<string, object?>? map) =>
        NameLists(map, "Partition", "partition", "@{ 'shop.orders' = 'p2025', 'p2026' }",
            "Give the partitions to migrate ('p2025','p2026' or 'p2025,p2026'), or leave the table out to migrate all of it.");

    /// <summary>A map of `db.table` keys to lists of names (columns, partitions), each list non-empty and without repeats.</summary>
    private Dictionary<string, IReadOnlyList<string>> NameLists(IReadOnlyDictionary<string, object?>? map, string parameter, string what, string example, string remedy)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(map))
        {
            if (!WellFormedKey(key, allowDatabase: false))
            {
                Fail($"Invalid{parameter}Key", $"-{parameter} key '{key}' is not 'database.table'. Write {example}.");
                continue;
            }
            var names = ColumnList(value);
            if (names.Count == 0)
            {
                Fail($"Invalid{parameter}Value", $"-{parameter} '{key}' lists no {what}s. {remedy}");
                continue;
            }
            var duplicate = names.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                Fail($"Invalid{parameter}Value", $"-{parameter} '{key}' names {what} '{duplicate.Key}' more than once. List each {what} once.");
                continue;
            }
            result[key] = names;
        }
        return result;
    }

    private static List<string> ColumnList(object? value)
    {
        IEnumerable<object?> items = value is string or null ? [value] : value is IEnumerable e ? e.Cast<object?>() : [value];
        return items.SelectMany(i => (Text(i) ?? "").Split(','))
            .Select(c => c.Trim())
            .Where(c => c.Length > 0)
            .ToList();
    }

    private static IEnumerable<(string Key, object? Value)> Entries(IReadOnlyDictionary<string, object?>? map) =>
        (map ?? new Dictionary<string, object?>()).Select(e => (e.Key.Trim(), e.Value));

    private static bool WellFormedKey(string key, bool allowDatabase)
    {
        var parts = key.Split('.');
        if (parts.Any(p => p.Length == 0) || HasWildcard(key)) return false;
        return parts.Length == 2 || (allowDatabase && parts.Length == 1);
    }

    private static string? Text(object? value) => value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture);
}
