BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Switch-OmsTask' {
    Test-CmdletContract Switch-OmsTask -Parameters Name, Force, Verify, StartReverse, QuietSeconds, PassThru -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact High

    Context 'refusals, before anything changes' -Tag Integration {
        It 'refuses a task that does not exist (TaskNotFound)' {
            Switch-OmsTask (New-TestName nosuch) -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        }
        It 'refuses a task without incremental synchronization (TaskNotIncremental)' {
            $t = New-TestTask
            Switch-OmsTask $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotIncremental,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
            Remove-TestTask $t
        }
        It 'refuses -StartReverse on a one-way task (TaskNotBidirectional)' {
            $t = New-TestTask -MigrationType 'Schema,Full,Incremental'
            Switch-OmsTask $t.Task -StartReverse -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotBidirectional,*'
            $e[0].TargetObject | Should -Be $t.Task
            Remove-TestTask $t
        }
        It 'refuses while the forward direction does not run in its incremental phase (ForwardNotIncremental)' {
            $t = New-TestTask -MigrationType 'Schema,Full,Incremental'
            Switch-OmsTask $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ForwardNotIncremental,*'
            $e[0].Exception.Message | Should -BeLike '*Resume-OmsTask*'
            (Get-OmsTask $t.Task).CutOver | Should -BeNullOrEmpty
            Remove-TestTask $t
        }
        It 'refuses a quiet window out of range' {
            { Switch-OmsTask x -QuietSeconds 0 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
    }

    Context 'a cut-over' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName cutover
            Invoke-TestSql MariaDbA ("CREATE DATABASE ``$db``; USE ``$db``; " +
                "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL, code INT INVISIBLE DEFAULT 7); " +
                "CREATE TABLE moves (id INT AUTO_INCREMENT PRIMARY KEY, item INT NOT NULL, delta INT NOT NULL); " +
                "CREATE TABLE prices (id INT PRIMARY KEY, price INT NOT NULL) WITH SYSTEM VERSIONING; " +
                "CREATE TRIGGER items_au AFTER UPDATE ON items FOR EACH ROW INSERT INTO moves (item, delta) VALUES (NEW.id, NEW.qty - OLD.qty); " +
                "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN 2 * x; " +
                "INSERT INTO items (qty) SELECT seq FROM seq_1_to_20; INSERT INTO prices SELECT seq, 1 FROM seq_1_to_5")
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            Invoke-TestSql MariaDbA 'UPDATE items SET qty = qty + 1 WHERE id <= 5; UPDATE prices SET price = 2; DELETE FROM items WHERE id = 20' -Database $db
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'lists its steps with -WhatIf and changes nothing' {
            # -WhatIf speaks to the host: the transcript hears it.
            $transcript = Join-Path $TestDrive whatif.txt
            $null = Start-Transcript -Path $transcript
            Switch-OmsTask $t.Task -WhatIf
            $null = Stop-Transcript
            $plan = Get-Content -Raw $transcript
            $plan | Should -BeLike '*check that the source commits nothing on the task''s 3 tables for 10 s*'
            $plan | Should -BeLike "*add system versioning to $($t.TargetDatabase).prices*"
            $plan | Should -BeLike '*1 trigger*'
            "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Running'
            (Get-OmsTask $t.Task).CutOver | Should -BeNullOrEmpty
        }
        It 'names the trigger that waits for it in Test-OmsTask' {
            (Test-OmsTask $t.Task | Where-Object Check -eq 'StoredObjects').Message | Should -BeLike '*1 trigger*cut-over (Switch-OmsTask)*'
        }
        It 'switches over: the forward direction stops at a recorded position and the target holds every object' {
            $switched = Switch-OmsTask $t.Task -QuietSeconds 2 -PassThru -Confirm:$false
            $switched | Should -HaveCount 1
            "$($switched.Status)" | Should -Be 'Stopped'
            "$($switched.CutOver.Status)" | Should -Be 'Completed'
            $switched.CutOver.Position | Should -Not -BeNullOrEmpty
            @($switched.CutOver.Steps | Where-Object { "$($_.Status)" -notin 'Done', 'Skipped' }) | Should -BeNullOrEmpty
            ($switched.CutOver.Steps | ForEach-Object { "$($_.Step)" }) -join ',' | Should -Be 'QuietCheck,StopForward,Versioning,Programs,Counters'
            Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '$($t.TargetDatabase)'" -Scalar | Should -Be 1
            Invoke-TestSql MariaDbB "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$($t.TargetDatabase)' AND TABLE_NAME = 'prices'" -Scalar | Should -Be 'SYSTEM VERSIONED'
            Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM prices FOR SYSTEM_TIME ALL' -Database $t.TargetDatabase -Scalar | Should -Be 10
            Invoke-TestSql MariaDbB 'SELECT SUM(code) FROM items' -Database $t.TargetDatabase -Scalar | Should -Be (19 * 7)
        }
        It 'leaves a target that takes over: its trigger acts and its counter continues past the source''s' {
            $next = Invoke-TestSql MariaDbA "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME = 'items'" -Scalar
            Invoke-TestSql MariaDbB 'UPDATE items SET qty = 100 WHERE id = 1; INSERT INTO items (qty) VALUES (1)' -Database $t.TargetDatabase
            Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM moves WHERE item = 1' -Database $t.TargetDatabase -Scalar | Should -Be 2
            Invoke-TestSql MariaDbB 'SELECT MAX(id) FROM items' -Database $t.TargetDatabase -Scalar | Should -Be $next
        }
        It 'shows the cut-over in Get-OmsTask and refuses it a second time (CutOverCompleted)' {
            (Get-OmsTask $t.Task).CutOver.Steps.Count | Should -Be 5
            Switch-OmsTask $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'CutOverCompleted,*'
        }
    }
}
