using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.State;

/// <summary>
/// Points a home at another state store (Set-OmsStateStore). The new store is reached and brought to this version's
/// schema first. A home whose current store holds data sources or tasks is not switched silently: -MoveExisting copies
/// that state into the new store (which must hold none), -Force switches and leaves it behind, where it was. Refused
/// while a worker of the home runs: it would go on writing to the store it opened.
/// </summary>
public static class StateStoreChoice
{
    public static PlannedOperation<StateStoreSettings> PlanSet(OmsHome home, StateStoreSettings wanted, bool moveExisting, bool force)
    {
        var current = StateStoreSettings.Load(home);
        // -Force alone asks nothing of the current store: it may be the server that is gone.
        var currentStore = (!force || moveExisting) && HasState(home, current) ? StateStore.Open(home, current) : null;
        var held = currentStore is null ? 0 : Count(currentStore);
        if (currentStore is not null)
        {
            var service = new OmsService(currentStore);
            var running = service.Tasks.List().SelectMany(t => Enum.GetValues<Direction>().Where(d => service.IsWorkerAlive(t.Name, d)).Select(d => $"{t.Name} ({d})")).ToList();
            if (running.Count > 0)
                throw new OmsException("StateStoreInUse", OmsErrorKind.InvalidState, home.Path,
                    $"Workers of this home are running ({string.Join(", ", running)}). Stop them with Stop-OmsTask or Suspend-OmsTask first.");
        }
        var same = current.Type == wanted.Type && current.Server == wanted.Server && current.Port == wanted.Port && current.Database == wanted.Database;
        if (held > 0 && !same && !moveExisting && !force)
            throw new OmsException("StateStoreNotEmpty", OmsErrorKind.InvalidState, home.Path,
                $"The current state store ({current.Describe(home)}) holds {held} data source(s) and task(s). Add -MoveExisting to copy them " +
                "into the new store, or -Force to switch and leave them where they are.");
        var action = moveExisting && held > 0 && !same ? "Move the state to state store" : "Use state store";
        return new PlannedOperation<StateStoreSettings>(wanted.Describe(home), action, (_, _) =>
        {
            var target = OpenWanted(home, wanted);
            if (moveExisting && held > 0 && !same)
            {
                var there = Count(target);
                if (there > 0)
                    throw new OmsException("StateStoreNotEmpty", OmsErrorKind.InvalidState, wanted.Describe(home),
                        $"The state store {wanted.Describe(home)} holds {there} data source(s) and task(s) already; -MoveExisting copies only into an empty one.");
                Copy(currentStore!, target);
            }
            wanted.Save(home);
            return Task.FromResult(wanted);
        });
    }

    private static StateStore OpenWanted(OmsHome home, StateStoreSettings wanted)
    {
        try
        {
            return StateStore.Open(home, wanted, createDatabase: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            throw new OmsException("StateStoreUnreachable", OmsErrorKind.ConnectionFailed, wanted.Describe(home), e.Message);
        }
    }

    /// <summary>Whether the home's store exists at all: an unused SQLite home has no file, and is not created to be asked.</summary>
    private static bool HasState(OmsHome home, StateStoreSettings settings) =>
        settings.Type != StateStoreType.Sqlite || File.Exists(home.StateDatabase);

    private static long Count(StateStore store) =>
        store.Query("SELECT (SELECT COUNT(*) FROM data_sources) + (SELECT COUNT(*) FROM tasks)", r => Convert.ToInt64(r.GetValue(0))).Single();

    /// <summary>Copies every table, parents first, in one transaction of the target: the copy is there whole or not at all.</summary>
    public static void Copy(StateStore from, StateStore to)
    {
        using var source = from.Connect();
        to.InTransaction((connection, transaction) =>
        {
            foreach (var table in StateSchema.Tables)
            {
                using var read = from.Command(source, $"SELECT * FROM {table}");
                using var reader = read.ExecuteReader();
                var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
                using var insert = to.Command(connection, transaction,
                    $"INSERT INTO {table}({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})");
                var parameters = columns.Select((_, i) => StateStore.AddParameter(insert, $"@p{i}", null)).ToList();
                while (reader.Read())
                {
                    for (var i = 0; i < columns.Count; i++) parameters[i].Value = reader.GetValue(i);
                    insert.ExecuteNonQuery();
                }
                if (columns.Contains("id")) to.Dialect.ResetIdentity(connection, transaction, table);
            }
        });
    }
}
