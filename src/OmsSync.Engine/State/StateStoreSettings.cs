using System.Text.Json;
using System.Text.Json.Serialization;

namespace OmsSync.Engine.State;

public enum StateStoreType { Sqlite, MariaDb, MySql, PostgreSql }

/// <summary>
/// Where an OMSSYNC_HOME keeps its state: state-store.json in the home names the backend; without the file it is the
/// SQLite file state.db beside it. The password is kept encrypted with the home's key (SecretProtector), never in clear.
/// </summary>
public sealed record StateStoreSettings
{
    public const string FileName = "state-store.json";
    private const string SecretContext = "state-store";

    public StateStoreType Type { get; init; } = StateStoreType.Sqlite;
    public string Server { get; init; } = "";
    public int Port { get; init; }
    public string Database { get; init; } = "";
    public string User { get; init; } = "";
    /// <summary>The password, encrypted under the home's key.</summary>
    public byte[]? Secret { get; init; }

    public static readonly StateStoreSettings Sqlite = new();

    public static string PathIn(OmsHome home) => System.IO.Path.Combine(home.Path, FileName);

    /// <summary>The backend chosen for the home: SQLite unless state-store.json names another.</summary>
    public static StateStoreSettings Load(OmsHome home)
    {
        var path = PathIn(home);
        if (!File.Exists(path)) return Sqlite;
        try
        {
            return JsonSerializer.Deserialize<StateStoreSettings>(File.ReadAllText(path), Json)
                   ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The state store settings '{path}' cannot be read ({e.Message}). Set them again with Set-OmsStateStore.");
        }
    }

    /// <summary>Settings for a server backend, the password encrypted with the home's key.</summary>
    public static StateStoreSettings ForServer(OmsHome home, StateStoreType type, string server, int port, string database, string user, string password) => new()
    {
        Type = type, Server = server, Port = port, Database = database, User = user,
        Secret = type == StateStoreType.Sqlite ? null : SecretProtector.ForHome(home).Protect(password, SecretContext),
    };

    /// <summary>Writes the file whole (temporary file, then rename), readable by its owner only.</summary>
    public void Save(OmsHome home)
    {
        home.EnsureCreated();
        var path = PathIn(home);
        if (Type == StateStoreType.Sqlite)
        {
            File.Delete(path);
            return;
        }
        var temp = path + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
            JsonSerializer.Serialize(stream, this, Json);
        File.Move(temp, path, overwrite: true);
    }

    internal string Password(OmsHome home) =>
        Secret is null ? "" : SecretProtector.ForHome(home).Unprotect(Secret, SecretContext);

    /// <summary>Where the state is, for messages and Get-OmsStateStore: never the password.</summary>
    public string Describe(OmsHome home) =>
        Type == StateStoreType.Sqlite ? home.StateDatabase : $"{Type} {User}@{Server}:{Port}/{Database}";

    public override string ToString() => Type == StateStoreType.Sqlite ? "Sqlite" : $"{Type} {User}@{Server}:{Port}/{Database}";

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };
}
