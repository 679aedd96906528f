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
}
