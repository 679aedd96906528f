BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Resume-OmsTask' {
    Test-CmdletContract Resume-OmsTask -Parameters Name, Direction, PassThru -Mandatory ':Name' -ByValue Name -ByPropertyName Name, Direction -ConfirmImpact Medium

    Context 'resuming' -Tag Integration {
        It 'refuses a task that never started (TaskNeverStarted)' {
            $t = New-TestTask
            Resume-OmsTask $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNeverStarted,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
            $e[0].TargetObject | Should -Be $t.Task
            Remove-TestTask $t
        }
        It 'continues a suspended task from its checkpoint, not with -WhatIf' {
            $db = New-TestDatabaseName resume
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY); INSERT INTO ``$db``.t VALUES (1)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                Suspend-OmsTask $t.Task -Confirm:$false
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t VALUES (2), (3)"
                Resume-OmsTask $t.Task -WhatIf
                "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Suspended'
                $resumed = Resume-OmsTask $t.Task -PassThru -Confirm:$false
                "$($resumed.Status)" | Should -Be 'Running'
                $resumed.WorkerPid | Should -BeGreaterThan 0
                Wait-TestCondition -What 'the rows written while suspended' -Condition { (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq 3 }
                Resume-OmsTask $t.Task -Direction Forward -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskAlreadyRunning,*'
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
    }

    Context 'servers of the test''s own' -Tag Integration {
        BeforeEach {
            # Killed, restarted or purged: servers no other test uses.
            $sourceName = New-TestName src
            $targetName = New-TestName dst
            $t = $null
        }
        AfterEach {
            Remove-TestTask $t
            if ($t) { Remove-TestDatabase $t.Database }
            Stop-TestMariaDb $sourceName
            Stop-TestMariaDb $targetName
        }

        It 'waits for a target that is down when the worker starts, instead of failing the task' {
            $ownSource = Start-TestMariaDb $sourceName 714
            $ownTarget = Start-TestMariaDb $targetName 715
            $t = New-TestIncrementalTask -SourceAddress $ownSource -TargetAddress $ownTarget
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            Stop-OmsTask $t.Task -Confirm:$false
            Stop-TestMariaDb $targetName -Kill
            $null = Resume-OmsTask $t.Task -Confirm:$false
            $waiting = Wait-TestTaskState $t.Task -What 'the worker to wait for the target' -Seconds 30 -Condition { param($state) "$($state.Message)" -like 'Reconnecting*' }
            $waiting.Message | Should -Match ([regex]::Escape("data source '$($t.Target)'"))
            Start-Sleep -Seconds 3
            "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Running'

            $null = Restart-TestMariaDb $targetName
            Invoke-TestSql $ownSource "INSERT INTO ``$($t.Database)``.t VALUES (2, 2)"
            $null = Wait-TestTaskState $t.Task -What 'the reconnect notice to go' -Seconds 60 -Condition {
                param($state) "$($state.Message)" -notlike 'Reconnecting*' -and "$($state.Phase)" -eq 'Incremental' }
            Wait-TestCondition -What 'the row written while the target was down' -Seconds 60 -Condition {
                (Invoke-TestSql $ownTarget "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq 2 }
        }
        It 'fails a task whose source purged the binlog it needs, with the message that says what to do' {
            $ownSource = Start-TestMariaDb $sourceName 713
            $t = New-TestIncrementalTask -SourceAddress $ownSource
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            Stop-OmsTask $t.Task -Confirm:$false
            $file = Invoke-TestSql $ownSource 'SHOW MASTER STATUS' -Scalar
            Invoke-TestSql $ownSource "INSERT INTO ``$($t.Database)``.t VALUES (2, 2)" # a transaction the task has not read, then gone
            Clear-TestBinlog $ownSource $file
            $null = Resume-OmsTask $t.Task -Confirm:$false
            $state = Wait-TestTaskState $t.Task -What 'the task to fail' -Seconds 60 -Condition { param($state) "$($state.Status)" -eq 'Failed' }
            $state.Message | Should -Match 'no longer has the binlog'
            $state.Message | Should -Match 'New-OmsTask'
            $state.Message | Should -Not -Match 'BinlogServerException'
        }
    }

    Context 'a task that stops after a phase (-StopAfter)' -Tag Integration {
        It 'stops after the copy with the rows on the target and no incremental worker, then applies what changed meanwhile' {
            $db = New-TestSourceDatabase stopfull 500
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ StopAfter = 'Full' }
            try {
                $stopped = Start-OmsForward $t.Task -Wait -Confirm:$false
                "$($stopped.Status)" | Should -Be 'Suspended'
                "$($stopped.Phase)" | Should -Not -Be 'Incremental'
                $stopped.Message | Should -BeLike '*Stopped after the Full phase, as -StopAfter Full asks*Resume-OmsTask*'
                $stopped.WorkerPid | Should -BeNullOrEmpty
                "$($stopped.StopAfter)" | Should -Be 'Full'
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items" -Scalar | Should -Be 500
                # Written while the task waits: applied once it goes on, from the position recorded before the copy.
                Invoke-TestSql MariaDbA "INSERT INTO items (id, name) VALUES (100001, 'late'); UPDATE items SET name = 'changed' WHERE id = 1; DELETE FROM items WHERE id = 2" -Database $db
                Start-Sleep -Seconds 1
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items WHERE id = 100001" -Scalar | Should -Be 0
                $null = Resume-OmsTask $t.Task -Confirm:$false
                Wait-TestTaskPhase $t.Task
                Wait-TestCondition -What 'the changes made while stopped' -Condition {
                    (Invoke-TestSql MariaDbB "SELECT CONCAT(COUNT(*), ':', SUM(id = 100001), ':', SUM(name = 'changed' AND id = 1), ':', SUM(id = 2)) FROM ``$($t.TargetDatabase)``.items" -Scalar) -eq '500:1:1:0' }
                ([regex]::Matches((Get-TestWorkerLog $t.Task), 'stopping after the Full phase')).Count | Should -Be 1
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
        It 'stops after the schema with empty tables, and copies the rows when resumed' {
            $db = New-TestSourceDatabase stopschema 300
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full' -Options @{ StopAfter = 'Schema' }
            try {
                $stopped = Start-OmsForward $t.Task -Wait -Confirm:$false
                "$($stopped.Status)", "$($stopped.Phase)" | Should -Be 'Suspended', 'Schema'
                $stopped.Message | Should -BeLike '*after the Schema phase*hold no rows yet*'
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items" -Scalar | Should -Be 0
                $null = Resume-OmsTask $t.Task -Confirm:$false
                Wait-TestTaskState $t.Task -What 'the copy after the schema' -Condition { param($s) "$($s.Status)" -eq 'Completed' } | Out-Null
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items" -Scalar | Should -Be 300
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
    }
}
