using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>Full migration between MySQL-family servers.</summary>
internal static class MySqlFullLoad
{
    /// <param name="bulkLoad">Null detects whether the target allows LOAD DATA LOCAL; false forces the INSERT path.</param>
    public static FullLoadRunner Runner(MySqlEndpoint source, MySqlEndpoint target, MigrationTask task, RuntimeStore runtime, ConflictLog conflicts,
        bool? bulkLoad = null) =>
        new(new MySqlChunkSource(source), new MySqlChunkTarget(target, task, source, bulkLoad), task, runtime, conflicts);
}
