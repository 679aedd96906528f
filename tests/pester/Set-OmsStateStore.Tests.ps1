BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $a = Get-TestServer MariaDbA
    $pg = Get-TestServer Postgres
    # Each context's state database, dropped at the end.
    $metaDatabases = [System.Collections.Generic.List[string]]::new()
    function New-MetaDatabase { $name = New-TestDatabaseName meta; $metaDatabases.Add($name); $name }
}
AfterAll {
    [MySqlConnector.MySqlConnection]::ClearAllPools()
    [Npgsql.NpgsqlConnection]::ClearAllPools()
    foreach ($db in $metaDatabases) {
        Invoke-TestSql MariaDbA "DROP DATABASE IF EXISTS ``$db``"
        Invoke-TestPgSql "DROP DATABASE IF EXISTS `"$db`" WITH (FORCE)"
    }
}

Describe 'Set-OmsStateStore' {
    Test-CmdletContract Set-OmsStateStore -Parameters Type, Server, Port, Database, Credential, MoveExisting, Force, PassThru `
        -Mandatory ':Type' -ConfirmImpact Medium

    Context 'choosing a store' -Tag Integration {
        BeforeEach { $stateHome = New-TestHome }
        AfterEach { Remove-TestHome $stateHome }

        It 'points an empty home at a MariaDB database, creating it, and keeps the password encrypted' {
            $db = New-MetaDatabase
            $chosen = Set-OmsStateStore -Type MariaDb -Server $a.Server -Port $a.Port -Database $db -Credential (New-TestCredential) -PassThru
            $chosen.Type | Should -Be 'MariaDb'
            $chosen.Location | Should -Be "MariaDb oms@$($a.Server):$($a.Port)/$db"
            Invoke-TestSql MariaDbA "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db' AND table_name = 'tasks'" -Scalar | Should -Be 1
            $file = Get-Content -Raw (Join-Path $stateHome 'state-store.json')
            $file | Should -Not -Match 'oms-test-pw'
            $file | Should -Match '"Secret"'
            Join-Path $stateHome 'state.db' | Should -Not -Exist
        }
        It 'refuses to leave state behind without -MoveExisting or -Force, naming what is there' {
            $null = New-OmsDataSource (New-TestName ds) -Type MariaDb -Server h -Credential (New-TestCredential u p)
            Set-OmsStateStore -Type MariaDb -Server $a.Server -Port $a.Port -Database (New-MetaDatabase) -Credential (New-TestCredential) -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'StateStoreNotEmpty,*'
            "$($e[0])" | Should -Match '-MoveExisting'
            (Get-OmsStateStore).Type | Should -Be 'Sqlite'
        }
        It 'moves data sources and tasks into a PostgreSQL store with -MoveExisting' {
            $test = New-TestTask -Database (New-TestDatabaseName mv)
            Set-OmsStateStore PostgreSql -Server $pg.Server -Port $pg.Port -Database (New-MetaDatabase) -Credential (New-TestCredential) -MoveExisting
            (Get-OmsStateStore).Type | Should -Be 'PostgreSql'
            (Get-OmsTask $test.Task | Select-Object -First 1).Name | Should -Be $test.Task
            # The moved password still opens the source.
            (Test-OmsDataSource $test.Source | Where-Object Check -eq Connectivity).Status | Should -Be 'Pass'
        }
        It 'fails with StateStoreUnreachable, and keeps the old choice, when the server refuses the credential' {
            Set-OmsStateStore MariaDb -Server $a.Server -Port $a.Port -Database (New-MetaDatabase) -Credential (New-TestCredential oms wrong) -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'StateStoreUnreachable,*'
            (Get-OmsStateStore).Type | Should -Be 'Sqlite'
        }
        It 'asks for -Server, -Database and -Credential for a server store' {
            Set-OmsStateStore MariaDb -Server $a.Server -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'StateStoreIncomplete,*'
        }
    }

    Context 'a task run with its state on MariaDB' -Tag Integration {
        BeforeAll {
            $stateHome = New-TestHome
            Set-OmsStateStore MariaDb -Server $a.Server -Port $a.Port -Database (New-MetaDatabase) -Credential (New-TestCredential)
            $db = New-TestDatabaseName e2e
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO ``$db``.t SELECT seq, seq FROM ``$db``.seq_1_to_500"
            $test = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
        }
        AfterAll {
            Remove-TestTask $test
            Remove-TestDatabase $db
            Remove-TestHome $stateHome
        }
        It 'copies, then applies changes, its runtime and checkpoint read back from the shared store' {
            $null = Start-OmsForward $test.Task -Wait
            Wait-TestTaskPhase $test.Task
            Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t SELECT seq, seq FROM ``$db``.seq_501_to_700; UPDATE ``$db``.t SET v = 0 WHERE id = 1"
            Wait-TestCondition -What 'the changes on the target' -Condition {
                (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($db)_t``.t" -Scalar) -eq 700 -and (Invoke-TestSql MariaDbB "SELECT v FROM ``$($db)_t``.t WHERE id = 1" -Scalar) -eq 0
            }
            $state = Wait-TestTaskState $test.Task -What 'a checkpoint' -Condition { param($s) $s.Position }
            "$($state.Phase)" | Should -Be 'Incremental'
            # The runtime Get-OmsTask showed is the MariaDB store's, and no SQLite file was made.
            $stored = Invoke-TestSql MariaDbA "SELECT position FROM task_runtime WHERE task = '$($test.Task)' AND direction = 'Forward'" -Database (Get-OmsStateStore).Database -Scalar
            $stored | Should -Not -BeNullOrEmpty
            Join-Path $stateHome 'state.db' | Should -Not -Exist
        }
        It 'loses no alert rule that six processes set at once' {
            $kinds = @{ Lag = '-Threshold 30'; TaskFailed = ''; WorkerRestarted = ''; DdlPaused = ''; Conflicts = '-Threshold 0'; VerificationDifferences = '' }
            $pwsh = Join-Path $PSScriptRoot '../../bin/pwsh'
            $module = (Get-Module OmsSync).Path
            $processes = foreach ($kind in $kinds.Keys) {
                # Each process changes the task's rules five times; every change reads and rewrites the whole definition.
                $script = "Import-Module '$module'; foreach (`$i in 1..5) { Set-OmsAlert '$($test.Task)' -Kind $kind $($kinds[$kind]) -ForSeconds `$i -Command true -Confirm:`$false -ErrorAction Stop }"
                $info = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
                foreach ($arg in '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($arg) }
                $info.RedirectStandardError = $true
                [System.Diagnostics.Process]::Start($info)
            }
            foreach ($p in $processes) {
                $errors = $p.StandardError.ReadToEnd()
                $p.WaitForExit()
                $p.ExitCode | Should -Be 0 -Because $errors
            }
            $rules = (Get-OmsTask $test.Task | Select-Object -First 1).AlertRules
            ($rules.Kind | ForEach-Object { "$_" } | Sort-Object) | Should -Be ($kinds.Keys | Sort-Object)
            $rules.ForSeconds | Should -Be 5, 5, 5, 5, 5, 5
        }
    }
}
