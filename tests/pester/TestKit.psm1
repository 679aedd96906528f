# What the Pester suites share: the module under test, throwaway state homes, the test servers that
# ./build.sh test starts (scripts/servers.sh), SQL on them, unique names, and the cmdlet contract read back.

$script:User = 'oms'
# The throwaway account scripts/servers.sh creates on every test server.
$script:Password = 'oms-test-pw'

function Import-OmsSyncModule {
    if (-not (Get-Module OmsSync)) { Import-Module OmsSync -ErrorAction Stop -Global }
    $base = (Get-Module OmsSync).ModuleBase
    # The module's own MySQL and PostgreSQL clients, for the tests' SQL.
    Add-Type -Path (Join-Path $base 'MySqlConnector.dll'), (Join-Path $base 'Npgsql.dll')
}

<#
.SYNOPSIS
    A fresh $OMSSYNC_HOME for one test file; Remove-TestHome stops what the file left running and deletes it.
#>
function New-TestHome {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("omssync-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $path
    $env:OMSSYNC_HOME = $path
    $path
}

function Remove-TestHome([string] $Path) {
    if (-not $Path) { return }
    $env:OMSSYNC_HOME = $Path
    foreach ($task in Get-OmsTask -ErrorAction SilentlyContinue) { Stop-OmsVerification $task.Name -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue }
    # Removed, not only stopped: the home's supervisor would otherwise restart a failed task's worker, and leaves once it has none.
    Get-OmsTask -ErrorAction SilentlyContinue | Remove-OmsTask -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $Path -Recurse -Force -ErrorAction SilentlyContinue
}

function New-TestName([string] $Prefix) {
    "$Prefix-" + [guid]::NewGuid().ToString('N').Substring(0, 12)
}

# Database names: letters, digits and underscores only.
function New-TestDatabaseName([string] $Prefix) {
    "${Prefix}_" + [guid]::NewGuid().ToString('N').Substring(0, 12)
}

function New-TestCredential([string] $User = $script:User, [string] $Password = $script:Password) {
    [pscredential]::new($User, [Net.NetworkCredential]::new('', $Password).SecurePassword)
}

<#
.SYNOPSIS
    The address of a test server: MariaDbA, MariaDbB or Postgres. Fails loudly when it was not started.
#>
function Get-TestServer([ValidateSet('MariaDbA', 'MariaDbB', 'Postgres')] [string] $Name) {
    $variable = @{ MariaDbA = 'OMSSYNC_TEST_MARIADB_A'; MariaDbB = 'OMSSYNC_TEST_MARIADB_B'; Postgres = 'OMSSYNC_TEST_POSTGRES' }[$Name]
    $value = [Environment]::GetEnvironmentVariable($variable)
    if (-not $value) {
        throw "$variable is not set: run the tests through './build.sh test', which starts the servers, or start one with scripts/servers.sh and set $variable=127.0.0.1:PORT."
    }
    $serverHost, $port = $value.Split(':')
    [pscustomobject]@{ Name = $Name; Server = $serverHost; Port = [int] $port; Address = $value }
}

<#
.SYNOPSIS
    Registers a data source on a test server under a unique name and returns its name.
#>
function New-TestDataSource {
    param(
        [ValidateSet('MariaDbA', 'MariaDbB', 'Postgres')] [string] $Server,
        [string] $Prefix = 'ds',
        [string] $Password = $script:Password,
        # A name of the test's choosing instead of a new one.
        [string] $Name,
        # The host:port of a MariaDB server of the test's own (Start-TestMariaDb), instead of -Server.
        [string] $Address
    )
    $endpoint = if ($Address) { $h, $p = $Address.Split(':'); [pscustomobject]@{ Server = $h; Port = [int] $p } } else { Get-TestServer $Server }
    $name = if ($Name) { $Name } else { New-TestName $Prefix }
    $type = if ($Server -eq 'Postgres') { 'PostgreSql' } else { 'MariaDb' }
    $database = if ($Server -eq 'Postgres') { 'postgres' } else { $null }
    $null = New-OmsDataSource -Name $name -Type $type -Server $endpoint.Server -Port $endpoint.Port -Credential (New-TestCredential -Password $Password) -Database $database -Confirm:$false
    $name
}

<#
.SYNOPSIS
    Runs SQL on a MariaDB test server; -Scalar returns the first column of the first row.
#>
function Invoke-TestSql {
    param(
        # MariaDbA, MariaDbB, or the host:port of a private server (Start-TestMariaDb).
        [Parameter(Mandatory, Position = 0)] [string] $Server,
        [Parameter(Mandatory, Position = 1)] [string] $Sql,
        [string] $Database,
        [switch] $Scalar,
        # Returns the first column of every row.
        [switch] $Column
    )
    $address = if ($Server.Contains(':')) { $h, $p = $Server.Split(':'); [pscustomobject]@{ Server = $h; Port = [int] $p } } else { Get-TestServer $Server }
    $builder = [MySqlConnector.MySqlConnectionStringBuilder]::new()
    $builder.Server = $address.Server; $builder.Port = $address.Port; $builder.UserID = $script:User; $builder.Password = $script:Password
    $builder.Pooling = $false; $builder.AllowUserVariables = $true
    if ($Database) { $builder.Database = $Database }
    $connection = [MySqlConnector.MySqlConnection]::new($builder.ConnectionString)
    try {
        $connection.Open()
        $command = [MySqlConnector.MySqlCommand]::new($Sql, $connection)
        if ($Scalar) { $value = $command.ExecuteScalar(); if ($value -is [DBNull]) { $null } else { $value } }
        elseif ($Column) {
            $reader = $command.ExecuteReader()
            try { while ($reader.Read()) { if ($reader.IsDBNull(0)) { $null } else { $reader.GetValue(0) } } } finally { $reader.Dispose() }
        }
        else { $null = $command.ExecuteNonQuery() }
    } finally { $connection.Dispose() }
}

<#
.SYNOPSIS
    Starts a MariaDB server of the test's own with scripts/servers.sh (binlog on, the oms account); returns host:port.
    Stop it with Stop-TestMariaDb. -NoBinlog starts it without a binlog.
#>
function Start-TestMariaDb([string] $Name, [int] $ServerId, [switch] $NoBinlog) {
    $script = Join-Path $PSScriptRoot '../../scripts/servers.sh'
    $port = bash $script free-port
    $address = bash $script start-mariadb $Name $port $ServerId $(if ($NoBinlog) { 'nobinlog' } else { 'binlog' })
    if ($LASTEXITCODE -ne 0 -or -not $address) { throw "scripts/servers.sh could not start MariaDB '$Name'." }
    "$address".Trim()
}

<#
.SYNOPSIS
    Stops a server of Start-TestMariaDb and deletes it; -Kill sends it SIGKILL instead and keeps its data, for
    Restart-TestMariaDb to start it again.
#>
function Stop-TestMariaDb([string] $Name, [switch] $Kill) {
    if (-not $Kill) {
        bash (Join-Path $PSScriptRoot '../../scripts/servers.sh') stop $Name
        return
    }
    $root = if ($env:OMSSYNC_SERVERS) { $env:OMSSYNC_SERVERS } else { '/tmp/omssync-servers' }
    $pidFile = Join-Path $root "$Name/p.pid"
    $process = Get-Process -Id ([int] (Get-Content -LiteralPath $pidFile)) -ErrorAction Stop
    $process.Kill()
    if (-not $process.WaitForExit(10000)) { throw "MariaDB '$Name' (pid $($process.Id)) outlived SIGKILL for 10 s." }
    # A killed server leaves its pid file; the restart must not signal whatever process gets that pid next.
    Remove-Item -LiteralPath $pidFile
}

<#
.SYNOPSIS
    Stops a server of Start-TestMariaDb (SIGTERM; a killed one is already down) and starts it again on its data and port.
#>
function Restart-TestMariaDb([string] $Name) {
    $address = bash (Join-Path $PSScriptRoot '../../scripts/servers.sh') restart-mariadb $Name
    if ($LASTEXITCODE -ne 0 -or -not $address) { throw "scripts/servers.sh could not restart MariaDB '$Name'." }
    "$address".Trim()
}

<#
.SYNOPSIS
    Purges a MariaDB server's binlog up to and including -File. MariaDB keeps a file until its binlog checkpoint has
    passed and while a dump thread still reads it, so this rotates and purges until the file is gone.
#>
function Clear-TestBinlog([string] $Server, [string] $File) {
    Invoke-TestSql $Server 'FLUSH BINARY LOGS'
    for ($attempt = 0; $attempt -lt 100; $attempt++) {
        $current = Invoke-TestSql $Server 'SHOW MASTER STATUS' -Scalar
        Invoke-TestSql $Server "PURGE BINARY LOGS TO '$current'"
        if ((Invoke-TestSql $Server 'SHOW BINARY LOGS' -Column) -notcontains $File) { return }
        Start-Sleep -Milliseconds 100
    }
    throw "$Server kept $File through 10 s of PURGE BINARY LOGS."
}

<#
.SYNOPSIS
    Deletes what tasks of these names left in the oms schema of both MariaDB servers (checkpoints, chunk marks,
    heartbeats), so that a later task of the same name starts afresh, as the help examples' tasks must.
#>
function Clear-TestTaskTrace([string[]] $Task) {
    $names = ($Task | ForEach-Object { "'" + $_.Replace("'", "''") + "'" }) -join ', '
    foreach ($server in 'MariaDbA', 'MariaDbB') {
        $tables = Invoke-TestSql $server "SELECT GROUP_CONCAT(table_name) FROM information_schema.columns WHERE table_schema = 'oms' AND column_name = 'task'" -Scalar
        foreach ($table in "$tables".Split(',', [StringSplitOptions]::RemoveEmptyEntries)) {
            Invoke-TestSql $server "DELETE FROM oms.``$table`` WHERE task IN ($names)"
        }
    }
}

<#
.SYNOPSIS
    Runs SQL on the PostgreSQL test server (database postgres); -Scalar returns the first column of the first row.
#>
function Invoke-TestPgSql {
    param([Parameter(Mandatory, Position = 0)] [string] $Sql, [switch] $Scalar)
    $address = Get-TestServer Postgres
    $builder = [Npgsql.NpgsqlConnectionStringBuilder]::new()
    $builder.Host = $address.Server; $builder.Port = $address.Port; $builder.Username = $script:User; $builder.Password = $script:Password
    $builder.Database = 'postgres'; $builder.Pooling = $false
    $connection = [Npgsql.NpgsqlConnection]::new($builder.ConnectionString)
    try {
        $connection.Open()
        $command = [Npgsql.NpgsqlCommand]::new($Sql, $connection)
        if ($Scalar) { $value = $command.ExecuteScalar(); if ($value -is [DBNull]) { $null } else { $value } } else { $null = $command.ExecuteNonQuery() }
    } finally { $connection.Dispose() }
}

<#
.SYNOPSIS
    Polls a condition until it holds; fails with what it waited for (and what -Describe says) when it does not in time.
#>
function Wait-TestCondition {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [Parameter(Mandatory)] [string] $What, [int] $Seconds = 90, [scriptblock] $Describe)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) {
            $state = if ($Describe) { " State: " + ((& $Describe) | Out-String) } else { '' }
            throw "Timed out after $Seconds s waiting for $What.$state"
        }
        Start-Sleep -Milliseconds 250
    }
}

<#
.SYNOPSIS
    Waits until a task's direction runs in a phase (Status Running), failing early when it fails.
#>
function Wait-TestTaskPhase([string] $Task, [string] $Direction = 'Forward', [string] $Phase = 'Incremental', [string] $Status = 'Running') {
    Wait-TestCondition -What "$Task ($Direction) to be $Status in phase $Phase" -Condition {
        $state = Get-OmsTask $Task | Where-Object Direction -eq $Direction
        if ($state.Status -eq 'Failed' -and $Status -ne 'Failed') { throw "Task $Task ($Direction) failed: $($state.Message)" }
        $state.Status -eq $Status -and "$($state.Phase)" -eq $Phase
    } -Describe { Get-OmsTask $Task | Format-List Direction, Status, Phase, Message }
}

<#
.SYNOPSIS
    Waits until a task direction's state (Get-OmsTask) satisfies -Condition, which gets it as its argument, and returns
    it; fails when the direction fails first (unless that is what the condition waits for) or after -Seconds.
#>
function Wait-TestTaskState {
    param([Parameter(Mandatory)] [string] $Task, [Parameter(Mandatory)] [string] $What, [Parameter(Mandatory)] [scriptblock] $Condition,
        [string] $Direction = 'Forward', [int] $Seconds = 90)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ($true) {
        $state = Get-OmsTask $Task | Where-Object Direction -eq $Direction
        if (& $Condition $state) { return $state }
        if ("$($state.Status)" -eq 'Failed' -or [DateTime]::UtcNow -gt $deadline) {
            throw "$Task ($Direction) while waiting for ${What}: $($state.Status) $($state.Phase) $($state.Message)"
        }
        Start-Sleep -Milliseconds 300
    }
}

<#
.SYNOPSIS
    A Schema,Full,Incremental task from a database with t (id, v: one row) on -SourceAddress, a server of the test's
    own, to <database>_t on MariaDbB (or -TargetAddress); returns New-TestTask's object, not started.
#>
function New-TestIncrementalTask([string] $SourceAddress, [string] $TargetAddress, [string] $Prefix = 'recov') {
    $db = New-TestDatabaseName $Prefix
    Invoke-TestSql $SourceAddress "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO ``$db``.t VALUES (1, 1)"
    New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -SourceAddress $SourceAddress -TargetAddress $TargetAddress
}

<#
.SYNOPSIS
    A source database on MariaDbA with a table items(id, name, price) of -Rows rows; returns its name.
#>
function New-TestSourceDatabase([string] $Prefix = 'pdb', [int] $Rows = 100) {
    $db = New-TestDatabaseName $Prefix
    Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(8,2), updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)); INSERT INTO ``$db``.items (id, name, price) SELECT seq, CONCAT('item ', seq), seq / 4 FROM ``$db``.seq_1_to_$Rows"
    $db
}

function Remove-TestDatabase([string] $Database) {
    if (-not $Database) { return }
    Invoke-TestSql MariaDbA "DROP DATABASE IF EXISTS ``$Database``"
    Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``$Database``; DROP DATABASE IF EXISTS ``${Database}_t``"
}

<#
.SYNOPSIS
    A task copying -Database on MariaDbA (or -SourceAddress) to <Database>_t on MariaDbB (or -TargetAddress)
    between two fresh data sources.
#>
function New-TestTask {
    param(
        [string] $Database, [string] $MigrationType = 'Schema,Full', [hashtable] $Options = @{}, [string] $Prefix = 'task',
        # The object rules, in place of '<Database>.*'.
        [string[]] $Include,
        # host:port of servers of the test's own (Start-TestMariaDb) in place of MariaDbA and MariaDbB.
        [string] $SourceAddress, [string] $TargetAddress
    )
    $source = if ($SourceAddress) { New-TestDataSource -Address $SourceAddress -Prefix 'src' } else { New-TestDataSource MariaDbA 'src' }
    $target = if ($TargetAddress) { New-TestDataSource -Address $TargetAddress -Prefix 'dst' } else { New-TestDataSource MariaDbB 'dst' }
    $name = New-TestName $Prefix
    $include = if ($Include) { $Include } elseif ($Database) { "$Database.*" } else { 'shop.*' }
    $rename = if ($Database) { @{ $Database = "${Database}_t" } } else { @{} }
    $null = New-OmsTask -Name $name -Source $source -Target $target -Include $include -Rename $rename -MigrationType ($MigrationType -split ',') @Options -Confirm:$false
    [pscustomobject]@{ Task = $name; Source = $source; Target = $target; Database = $Database; TargetDatabase = if ($Database) { "${Database}_t" } }
}

function Remove-TestTask($Test) {
    if (-not $Test) { return }
    Remove-OmsTask $Test.Task -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-OmsDataSource $Test.Source, $Test.Target -Confirm:$false -ErrorAction SilentlyContinue
}

<#
.SYNOPSIS
    A source database on MariaDbA with orders (id, note: five rows, one note holding a semicolon) and victim (three
    rows), the table a row filter that runs as SQL would drop; returns its name.
#>
function New-TestRowFilterDatabase([string] $Prefix = 'rf') {
    $db = New-TestDatabaseName $Prefix
    Invoke-TestSql MariaDbA ("CREATE DATABASE ``$db``; CREATE TABLE ``$db``.orders (id INT PRIMARY KEY, note VARCHAR(20)); " +
        "INSERT INTO ``$db``.orders VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'x;y'), (5, NULL); " +
        "CREATE TABLE ``$db``.victim (id INT PRIMARY KEY); INSERT INTO ``$db``.victim VALUES (1), (2), (3)")
    $db
}

<#
.SYNOPSIS
    Row filters on a MySQL-family source that are not one condition: Text ({0} stands for the source database, whose
    victim table it would drop or read) and Reason, words of the message that refuses it.
#>
function Get-TestHostileRowFilter {
    @{ Text = '1=1); DROP TABLE {0}.victim; SELECT (1'; Reason = 'closing parenthesis' }
    @{ Text = 'id > 0; DROP TABLE {0}.victim'; Reason = 'statement separator' }
    @{ Text = 'id IN (SELECT id FROM {0}.victim)'; Reason = 'subquery' }
    @{ Text = 'id > 0 /*! ; DROP TABLE {0}.victim */'; Reason = 'comment' }
    @{ Text = 'id > 0 -- ; DROP TABLE {0}.victim'; Reason = 'comment' }
    @{ Text = 'id > @x'; Reason = 'variable' }
}

<#
.SYNOPSIS
    A one-way migration into a target that already holds some of the rows, under -NonEmptyTarget Ignore: the
    rows it kept are InsertExists conflicts. Returns the task (New-TestTask's object) after the copy.
#>
function New-TestConflictMigration([string] $Prefix = 'conf') {
    $db = New-TestDatabaseName $Prefix
    Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO ``$db``.t VALUES (1, 'a'), (2, 'b'), (3, 'c')"
    Invoke-TestSql MariaDbB "CREATE DATABASE ``${db}_t``; CREATE TABLE ``${db}_t``.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO ``${db}_t``.t VALUES (2, 'mine'), (3, 'ours')"
    $t = New-TestTask -Database $db -Options @{ NonEmptyTarget = 'Ignore' }
    $done = Start-OmsForward $t.Task -Wait -Confirm:$false -WarningAction SilentlyContinue
    if ("$($done.Status)" -ne 'Completed') { throw "The migration of $db did not complete: $($done.Message)" }
    $t
}

<#
.SYNOPSIS
    Two tables (items with a key, tags without) migrated by a Schema,Full,Verify task; returns the task after the copy.
#>
function New-TestVerifiedMigration([string] $Prefix = 'ver') {
    $db = New-TestDatabaseName $Prefix
    Invoke-TestSql MariaDbA ("CREATE DATABASE ``$db``; CREATE TABLE ``$db``.items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(8,2)); " +
        "INSERT INTO ``$db``.items SELECT seq, CONCAT('item ', seq), seq / 4 FROM ``$db``.seq_1_to_3000; " +
        "CREATE TABLE ``$db``.tags (tag VARCHAR(10), n INT); INSERT INTO ``$db``.tags SELECT IF(seq % 2 = 0, 'even', 'odd'), seq % 5 FROM ``$db``.seq_1_to_200")
    $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Verify'
    $done = Start-OmsForward $t.Task -Wait -Confirm:$false
    if ("$($done.Status)" -ne 'Completed') { throw "The migration of $db did not complete: $($done.Message)" }
    $t
}

<#
.SYNOPSIS
    A table items(id, name, price, at, doc, bin) of 3000 rows migrated between MariaDB and PostgreSQL by a task of
    -MigrationType: from MariaDbA into the PostgreSQL schema of the same name, or with -FromPostgres from a PostgreSQL
    schema into <schema>_t on MariaDbB. Returns the task (as New-TestTask's object, with FromPostgres) after the copy;
    Remove-TestPostgresMigration removes it with its data.
#>
function New-TestPostgresMigration([string] $Prefix = 'pgver', [switch] $FromPostgres, [string] $MigrationType = 'Schema,Full') {
    $db = New-TestDatabaseName $Prefix
    if ($FromPostgres) {
        Invoke-TestPgSql ("CREATE SCHEMA `"$db`"; CREATE TABLE `"$db`".items (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2), at timestamptz, ok boolean, " +
            "doc jsonb, bin bytea); INSERT INTO `"$db`".items SELECT g, 'item ' || g, g / 4.0, '2024-01-01 00:00:00+02'::timestamptz + g * interval '1 second', " +
            "g % 2 = 0, jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g)), decode(lpad(to_hex(g), 8, '0'), 'hex') FROM generate_series(1, 3000) g")
        $source = New-TestDataSource Postgres pg
        $target = New-TestDataSource MariaDbB dst
        $rename = @{ $db = "${db}_t" }
    } else {
        Invoke-TestSql MariaDbA ("CREATE DATABASE ``$db``; CREATE TABLE ``$db``.items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(8,2), " +
            "at TIMESTAMP(6) NULL, ok TINYINT(1), doc JSON, bin VARBINARY(8)); INSERT INTO ``$db``.items SELECT seq, CONCAT('item ', seq), seq / 4, " +
            "TIMESTAMPADD(SECOND, seq, '2024-01-01 00:00:00'), seq % 2, JSON_OBJECT('n', seq, 'tags', JSON_ARRAY('a', seq)), UNHEX(LPAD(HEX(seq), 8, '0')) FROM ``$db``.seq_1_to_3000")
        $source = New-TestDataSource MariaDbA src
        $target = New-TestDataSource Postgres pg
        $rename = @{}
    }
    $name = New-TestName $Prefix
    $null = New-OmsTask -Name $name -Source $source -Target $target -Include "$db.*" -Rename $rename -MigrationType ($MigrationType -split ',') -Confirm:$false
    $t = [pscustomobject]@{ Task = $name; Source = $source; Target = $target; Database = $db; TargetDatabase = if ($FromPostgres) { "${db}_t" } else { $db }; FromPostgres = [bool] $FromPostgres }
    $done = Start-OmsForward $name -Wait -Confirm:$false
    if ("$($done.Status)" -ne 'Completed') { Remove-TestPostgresMigration $t; throw "The migration of $db did not complete: $($done.Message)" }
    $t
}

function Remove-TestPostgresMigration($Test) {
    if (-not $Test) { return }
    Remove-TestTask $Test
    Invoke-TestPgSql "DROP SCHEMA IF EXISTS `"$($Test.Database)`" CASCADE"
    if ($Test.FromPostgres) { Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``$($Test.TargetDatabase)``" } else { Remove-TestDatabase $Test.Database }
}

<#
.SYNOPSIS
    A cmdlet's contract as pwsh sees it: its own parameters, sets, mandatory parameters per set, pipeline binding, ShouldProcess.
#>
function Get-CmdletContract([string] $Name) {
    $command = Get-Command $Name -ErrorAction Stop
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $own = $command.Parameters.Values | Where-Object Name -notin $common
    $attributes = foreach ($parameter in $own) { foreach ($a in $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }) { [pscustomobject]@{ Name = $parameter.Name; Attribute = $a } } }
    $cmdlet = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
    [pscustomobject]@{
        Parameters     = @($own.Name | Sort-Object)
        Sets           = @($command.ParameterSets.Name | Sort-Object)
        DefaultSet     = $command.DefaultParameterSet
        Mandatory      = @($attributes | Where-Object { $_.Attribute.Mandatory } | ForEach-Object { "$($_.Attribute.ParameterSetName -replace '^__AllParameterSets$'):$($_.Name)" } | Sort-Object -Unique)
        ByValue        = @($attributes | Where-Object { $_.Attribute.ValueFromPipeline } | ForEach-Object Name | Sort-Object -Unique)
        ByPropertyName = @($attributes | Where-Object { $_.Attribute.ValueFromPipelineByPropertyName } | ForEach-Object Name | Sort-Object -Unique)
        ShouldProcess  = [bool] $cmdlet.SupportsShouldProcess
        ConfirmImpact  = "$($cmdlet.ConfirmImpact)"
    }
}

<#
.SYNOPSIS
    A cmdlet's help as Get-Help gives it: synopsis, example code, and parameters without a description.
#>
function Get-HelpSummary([string] $Name) {
    $help = Get-Help $Name -Full
    [pscustomobject]@{
        Synopsis     = "$($help.Synopsis)".Trim()
        Description  = ($help.description.Text -join ' ').Trim()
        Examples     = @($help.examples.example | ForEach-Object { "$($_.code)".Trim() })
        Undescribed  = @($help.parameters.parameter | Where-Object { -not ($_.description.Text -join '').Trim() } | ForEach-Object name)
        Parameters   = @($help.parameters.parameter.name)
    }
}

<#
.SYNOPSIS
    A task's definition as the state store holds it (OmsSync.Engine.Model.MigrationTask), with the id of its
    incarnation and OmsKey, the key of its rows in the servers' `oms` tables.
#>
function Get-TestStoredTask([string] $Name) {
    [OmsSync.Engine.Runtime.OmsService]::Open().Tasks.Get($Name)
}

<#
.SYNOPSIS
    Writes row filters straight into a task's stored definition, past the checks of New-OmsTask and Set-OmsTask:
    a filter stored by other means (an older OmsSync, an edited state store), which the pre-check and the worker must refuse.
#>
function Set-TestStoredRowFilter([string] $Name, [hashtable] $RowFilter) {
    $service = [OmsSync.Engine.Runtime.OmsService]::Open()
    $filters = [System.Collections.Generic.Dictionary[string, string]]::new()
    foreach ($key in $RowFilter.Keys) { $filters[$key] = $RowFilter[$key] }
    $task = $service.Tasks.Get($Name)
    $task.RowFilters = $filters
    $service.Tasks.Update($task)
}

<#
.SYNOPSIS
    The text of a task direction's worker log ('' before a worker wrote it).
#>
function Get-TestWorkerLog([string] $Task, [string] $Direction = 'Forward') {
    $path = [OmsSync.Engine.State.OmsHome]::Default().WorkerLog($Task, [OmsSync.Engine.Model.Direction] $Direction)
    if (Test-Path -LiteralPath $path) { [IO.File]::ReadAllText($path) } else { '' }
}

Export-ModuleMember -Function *-*
