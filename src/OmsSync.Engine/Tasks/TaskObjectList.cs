using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// A task's objects as a table, one row per source table, as OMS imports them from CSV: <c>Table</c> ('db.table',
/// wildcards allowed), and optionally <c>TargetName</c> (the table's name on the target: 'table' or 'db.table'),
/// <c>RowFilter</c> (a condition on the source), <c>Columns</c> ('id,total') and <c>Partitions</c> ('p2025,p2026').
/// Each row becomes the -Include, -Rename, -RowFilter, -Column and -Partition entries a user would have typed, merged
/// with those given beside it.
/// </summary>
public static class TaskObjectList
{
    private static readonly string[] Known = ["Table", "TargetName", "RowFilter", "Columns", "Partitions"];

    /// <summary>The request with the rows' objects added; every problem (row and column named) at once, before anything is stored.</summary>
    /// <param name="origin">Where the rows came from (a file's path, or "-Object"), for the errors.</param>
    public static NewTaskRequest AddTo(NewTaskRequest request, IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, string origin)
    {
        var problems = new List<OmsException>();
        void Fail(int row, string message) => problems.Add(new OmsException("InvalidObjectList", OmsErrorKind.InvalidArgument, origin, $"{origin}, row {row}: {message}"));
        var include = new List<string>(request.Include);
        var renames = Copy(request.Renames);
        var filters = Copy(request.RowFilters);
        var columns = Copy(request.Columns);
        var partitions = Copy(request.Partitions);
        if (rows.Count == 0)
            problems.Add(new OmsException("InvalidObjectList", OmsErrorKind.InvalidArgument, origin,
                $"{origin} lists no objects. Give one row per table with at least a Table column ('db.table')."));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = i + 1;
            var values = new Dictionary<string, string?>(rows[i], StringComparer.OrdinalIgnoreCase);
            foreach (var unknown in values.Keys.Where(k => !Known.Contains(k, StringComparer.OrdinalIgnoreCase)))
                Fail(row, $"column '{unknown}' is not one OmsSync reads. The columns are {string.Join(", ", Known)}.");
            var table = Value(values, "Table");
            if (table is null)
            {
                Fail(row, "Table is empty. Give the source table as 'db.table' (wildcards allowed).");
                continue;
            }
            include.Add(table);
            void Put(Dictionary<string, object?> map, string column, string option, object? value)
            {
                if (value is null) return;
                if (map.ContainsKey(table)) Fail(row, $"{column}: '{table}' has {option} already (given beside the list, or in an earlier row). Give it once.");
                else map[table] = value;
            }
            Put(renames, "TargetName", "-Rename", Value(values, "TargetName"));
            Put(filters, "RowFilter", "-RowFilter", Value(values, "RowFilter"));
            Put(columns, "Columns", "-Column", Value(values, "Columns"));
            Put(partitions, "Partitions", "-Partition", Value(values, "Partitions"));
        }
        if (problems.Count > 0) throw problems.Count == 1 ? problems[0] : new InvalidOptionsException(origin, problems);
        return request with
        {
            Include = include.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            Renames = renames.Count > 0 ? renames : request.Renames,
            RowFilters = filters.Count > 0 ? filters : request.RowFilters,
            Columns = columns.Count > 0 ? columns : request.Columns,
            Partitions = partitions.Count > 0 ? partitions : request.Partitions,
        };
    }

    private static Dictionary<string, object?> Copy(IReadOnlyDictionary<string, object?>? map) =>
        map is null ? new(StringComparer.OrdinalIgnoreCase) : new(map, StringComparer.OrdinalIgnoreCase);

    private static string? Value(Dictionary<string, string?> values, string column) =>
        values.TryGetValue(column, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
