using MySqlConnector;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>A table's copy plan as a MySQL-family server reads or writes it: the tables' names and the key's ranges in its SQL.</summary>
internal static class MySqlCopyPlan
{
    extension(TableCopyPlan plan)
    {
        /// <summary>The key the table is cut into chunks by; null for a table without a row key.</summary>
        public ChunkKey? Key => plan.Source.RowKey is { } rowKey ? new ChunkKey(rowKey.Columns.Select(c => plan.Source.Column(c.Name)).ToList()) : null;

        /// <summary>The source table as the copy reads it: every row version of a system-versioned table, only the task's partitions of a partitioned one.</summary>
        public string SourceName => MySqlSyntax.AllRowsOf(plan.Mapping.SourceDatabase, plan.Mapping.SourceTable, plan.Source.Versioning is not null, plan.Mapping.Partitions);

        public string TargetName => MySqlSyntax.QuoteQualified(plan.Mapping.TargetDatabase, plan.Mapping.TargetTable);

        /// <summary>
        /// The chunk's key range as a condition, its bounds added to <paramref name="command"/> as parameters; TRUE for
        /// an unbounded chunk. The text does not depend on the command, so it may be built once and bound elsewhere.
        /// </summary>
        public string KeyRange(Chunk chunk, MySqlCommand command) => plan.Key?.Range(chunk, command) ?? "TRUE";
    }
}
